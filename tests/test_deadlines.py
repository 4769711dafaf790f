from datetime import datetime

from triage.deadlines import add_working_days, resolution_due, response_due, routing_due


def test_working_days_skip_weekends():
    friday_morning_wib = datetime(2026, 11, 20, 3, 0)  # 10:00 WIB
    assert add_working_days(friday_morning_wib, 3) == datetime(2026, 11, 25, 16, 59, 59)  # Wed 23:59:59 WIB


def test_working_days_skip_national_holidays():
    wednesday = datetime(2026, 12, 23, 3, 0)  # Christmas (Fri 25 Dec) is not a working day
    assert routing_due(wednesday) == datetime(2026, 12, 29, 16, 59, 59)


def test_local_date_decides_the_day():
    late_evening_wib = datetime(2026, 11, 19, 18, 0)  # Thu 18:00 UTC = Fri 01:00 WIB
    assert add_working_days(late_evening_wib, 1) == datetime(2026, 11, 23, 16, 59, 59)


def test_deadlines_are_configurable(monkeypatch):
    monkeypatch.setenv("TRIAGE_ROUTING_DAYS", "1")
    assert routing_due(datetime(2026, 11, 20, 3, 0)) == datetime(2026, 11, 23, 16, 59, 59)


def test_response_never_after_resolution_deadline(monkeypatch):
    monkeypatch.setenv("TRIAGE_RESOLUTION_DAYS", "2")
    received = datetime(2026, 11, 20, 3, 0)
    assert response_due(received, received) == resolution_due(received)


def test_dates_on_the_pages_use_indonesian_month_names():
    from triage.web.admin import wib

    assert wib("2022-10-25T11:14:00Z") == "25 Okt 2022 18.14 WIB", "not strftime's English 'Oct'"
    assert [wib(f"2026-{m:02d}-15T00:00:00Z")[3:6] for m in (5, 8, 12)] == ["Mei", "Agu", "Des"]
    assert wib("2026-12-31T17:30:00Z") == "01 Jan 2027 00.30 WIB", "shown in WIB, the next day"
    assert wib(None) == "–"


def test_date_filters_are_said_in_words_whatever_format_the_browser_shows():
    from triage.web.admin import period

    assert period("2026-10-01", "2026-12-31") == "1 Oktober 2026 – 31 Desember 2026"
    assert period("2026-08-03") == "sejak 3 Agustus 2026" and period(None, "2026-02-01") == "sampai 1 Februari 2026"
    assert period("", "") == "", "no filter, nothing to say"
    assert period("03/12/2026", None) == "sejak 03/12/2026", "a value that is not a date is shown as given"
