"""The admin UI in a real browser (Debian Chromium driven by Playwright) against `triage serve`.

Every request to a host other than the service is blocked and recorded; the pages must render
completely without any. Screenshots of the queue, a complaint and the dashboard go to tests/artifacts/.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from http_service import Service, set_password, triage
from sqlalchemy import create_engine, select, update

from triage.deadlines import LOCAL
from triage.store.tables import AuditEvent, Complaint, Decision, Resolution

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"
PASSWORD = "kata-sandi-uji-123"

if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
    pytest.skip(f"{CHROMIUM} is not installed (.ci/run installs it with apt-get)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")

COMPLAINTS = {
    "road-1": "Jalan di depan pasar berlubang besar dan sudah dua minggu belum diperbaiki, motor sering jatuh",
    "road-2": "Jalan depan pasar rusak berlubang parah, sudah dua minggu tidak diperbaiki, tolong segera",
    "trash-1": "Sampah di TPS dekat balai RW menumpuk seminggu tidak diangkut, baunya menyengat",
    "water-1": "Air PDAM di rumah kami mati sejak tiga hari, mohon segera diperbaiki",
    "light-1": "Lampu PJU di gang 3 mati sudah seminggu, jalan gelap sekali kalau malam",
    "hoax-1": "Sebarkan! Ada bansos 5 juta untuk semua warga, daftar lewat link bit.ly/bansos-cair sebelum dihapus",
    "ktp-1": "Sudah tiga bulan KTP elektronik saya belum jadi, katanya blanko habis terus di disdukcapil",
}


@pytest.fixture(scope="module")
def service(model_registry, tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'triage.db'}"
    env = {"TRIAGE_MODELS_DIR": str(model_registry), "TRIAGE_DATABASE_URL": url,
           "TRIAGE_SECRET_KEY": "browser-test-secret", "TRIAGE_RELOAD_SECONDS": "0",
           "TRIAGE_HOAX_INDEX": str(tmp_path_factory.mktemp("hoaxes") / "index.joblib"),
           "TRIAGE_JOBS_DIR": str(tmp_path_factory.mktemp("jobs")), "TRIAGE_JOB_POLL_SECONDS": "0.2"}
    token = triage(env, "users", "add", "integrasi", "--role", "integration")
    for name, role, agency in [("koordinator", "coordinator", None), ("dlh", "agency", "DLH"),
                               ("pemeriksa", "auditor", None)]:
        triage(env, "users", "add", name, "--role", role, *(["--agency", agency] if agency else []))
        set_password(env, name, PASSWORD)
    server = Service(env, workers=2)
    status, body = server.call("POST", "/api/v1/complaints", token,
                               [{"external_id": key, "text": text, "district": "Kota Lama"}
                                for key, text in COMPLAINTS.items()])
    assert status == 201, body
    server.ids = {item["external_id"]: item["id"] for item in body}
    server.token = token
    server.suggestions = {item["external_id"]: item["suggestion"] for item in body}
    server.engine = create_engine(url)
    yield server
    server.engine.dispose()
    server.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                  "--disable-background-networking", "--disable-component-update"])
        yield browser
        browser.close()


@pytest.fixture()
def page(browser, service):
    """A fresh browser context (no cookies) whose every non-service request is blocked and recorded."""
    context = browser.new_context(locale="id-ID", viewport={"width": 1300, "height": 900})
    blocked, problems = [], []
    service_host = urlsplit(service.base).netloc

    def guard(route):
        if urlsplit(route.request.url).netloc == service_host:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    context.set_default_timeout(10_000)
    page = context.new_page()
    # the refusals some tests provoke on purpose (a forbidden page, a form with a taken username)
    expected_refusals = tuple(f"Failed to load resource: the server responded with a status of {status}"
                              for status in (403, 422))
    page.on("console", lambda m: problems.append(m.text)
            if m.type == "error" and not m.text.startswith(expected_refusals) else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.blocked, page.problems = blocked, problems
    yield page
    context.close()
    assert blocked == [], f"pages asked for external hosts: {blocked}"
    assert problems == [], f"browser errors (CSP violations, script errors): {problems}"


def login(page, service, username: str) -> None:
    page.goto(service.base + "/antrean")
    assert "/masuk" in page.url, "an anonymous visit must land on the login page"
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/masuk" not in url)


def decisions(service, external_id: str) -> list[Decision]:
    with service.engine.connect() as connection:
        complaint_id = service.ids[external_id]
        return list(connection.execute(select(Decision).where(Decision.complaint_id == complaint_id)
                                       .order_by(Decision.id)))


def complaint(service, external_id: str):
    with service.engine.connect() as connection:
        return connection.execute(select(Complaint).where(Complaint.external_id == external_id)).one()


def route_as_coordinator(page, service, complaint_id: int, agency: str, category: str) -> None:
    """Log in as the coordinator, route the complaint with the decision form, log out."""
    login(page, service, "koordinator")
    page.goto(f"{service.base}/pengaduan/{complaint_id}")
    page.fill("#putuskan input[name=agency]", agency)
    page.fill("#putuskan input[name=category]", category)
    page.click("#putuskan button[type=submit]")
    page.click("form.keluar button")


def test_queue_renders_styled_and_sorted_with_screenshot(page, service):
    login(page, service, "koordinator")
    rows = page.locator("tr[data-row]")
    assert rows.count() == len(COMPLAINTS)
    header = page.locator("header.atas")
    assert header.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(31, 111, 139)", "stylesheet loaded"
    assert page.locator("tr[data-row] meter").count() >= len(COMPLAINTS) - 1, "confidence bars shown"
    assert page.locator(".lencana.hoaks").count() >= 1, "the flagged complaint carries the badge"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "antrean.png"), full_page=True)


def test_review_flagged_complaint_and_confirm_misinformation(page, service):
    assert service.suggestions["hoax-1"]["misinformation"]["flag"], "the seed model flags the bansos chain message"
    login(page, service, "koordinator")
    page.select_option("select[name=flagged]", "true")
    page.click("form.saring button[type=submit]")
    page.click(f"a[href^='/pengaduan/{service.ids['hoax-1']}']")
    panel = page.locator(".panel-hoaks")
    assert "perlu diverifikasi" in panel.inner_text()
    assert panel.locator("li").count() >= 1, "the cues found are listed as reasons"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "detail.png"), full_page=True)
    page.keyboard.press("m")  # mark as misinformation, then save the decision form
    assert page.locator("#putuskan input[name=misinformation]").is_checked()
    page.locator("#putuskan input[name=agency]").fill("DISKOMINFO")
    page.locator("#putuskan input[name=category]").fill("INFORMASI")
    page.click("#putuskan button[type=submit]")
    page.wait_for_selector(".pesan")
    [decision] = decisions(service, "hoax-1")
    assert decision.misinformation is True and decision.agency == "DISKOMINFO" and decision.bulk is False


def test_accept_top_suggestion_with_the_keyboard_opens_the_next(page, service):
    login(page, service, "koordinator")
    page.goto(service.base + f"/pengaduan/{service.ids['road-2']}")
    assert page.locator(f".serupa a[href='/pengaduan/{service.ids['road-1']}']").count() == 1, \
        "the earlier near-identical road complaint is listed as similar"
    page.goto(service.base + f"/pengaduan/{service.ids['road-1']}")
    assert page.locator("[data-complaint-text] mark").count() >= 1, "the words behind the suggestion are highlighted"
    top = service.suggestions["road-1"]["agency_top"][0]["code"]
    next_link = page.locator("[data-next]")
    expected_next = next_link.get_attribute("href").split("?")[0] if next_link.count() else None
    page.keyboard.press("a")
    page.wait_for_selector(".pesan")
    [decision] = decisions(service, "road-1")
    assert decision.agency == top and decision.matched_top1 is True
    assert complaint(service, "road-1").status == "routed"
    if expected_next:
        assert page.url.split("?")[0].endswith(expected_next), "after a decision the next complaint opens"


def test_pick_second_suggestion_and_correct_by_typing(page, service):
    login(page, service, "koordinator")
    page.goto(service.base + f"/pengaduan/{service.ids['water-1']}")
    second = service.suggestions["water-1"]["agency_top"][1]["code"]
    page.keyboard.press("2")
    page.keyboard.press("Enter")  # focus moved to the save button
    page.wait_for_selector(".pesan")
    [picked] = decisions(service, "water-1")
    assert picked.agency == second and picked.matched_top1 is False

    page.goto(service.base + f"/pengaduan/{service.ids['trash-1']}")
    top = service.suggestions["trash-1"]["agency_top"][0]["code"]
    other = "SATPOLPP" if top != "SATPOLPP" else "DLH"
    page.locator("#putuskan input[name=agency]").fill(other)
    page.locator("#putuskan textarea[name=note]").fill("TPS liar, ditangani Satpol PP")
    page.click("#putuskan button[type=submit]")
    page.wait_for_selector(".pesan")
    [corrected] = decisions(service, "trash-1")
    assert corrected.agency == other and corrected.note == "TPS liar, ditangani Satpol PP"


def test_bulk_accept_shows_count_and_expected_error_then_routes(page, service):
    login(page, service, "koordinator")
    chosen = ["light-1", "ktp-1", "road-2"]
    for key in chosen:
        page.check(f"input[name=ids][value='{service.ids[key]}']")
    page.fill("input[name=ambang]", "0")
    page.click("form.massal button[type=submit]")
    page.wait_for_url("**/setujui-massal**")
    eligible = int(page.locator("[data-eligible]").inner_text())
    assert eligible == len(chosen)
    assert "%" in page.locator("[data-error-rate]").inner_text(), "the expected error rate comes from the model card"
    page.click("form[method=post] button.utama")
    page.wait_for_selector(".pesan")
    for key in chosen:
        [decision] = decisions(service, key)
        top = service.suggestions[key]["agency_top"][0]["code"]
        assert decision.bulk is True and decision.agency == top


def test_dashboard_draws_svg_charts(page, service):
    login(page, service, "koordinator")
    page.goto(service.base + "/dasbor")
    assert page.locator("svg.chart").count() >= 3
    assert page.locator("svg.chart rect").count() >= 3
    assert "Angka per" in page.inner_text("p[data-computed-at]"), "says when the figures were computed"
    computed = page.get_attribute("p[data-computed-at]", "data-computed-at")
    page.keyboard.press("r")
    page.wait_for_url("**/dasbor?baru=1")
    assert page.get_attribute("p[data-computed-at]", "data-computed-at") >= computed
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dasbor.png"), full_page=True)
    page.goto(service.base + "/model")
    assert page.locator("table.model tr.aktif").count() == 1
    assert page.locator("form[action$='/model/kembalikan']").count() == 0, "one version: nothing to roll back to"


def test_agency_user_sees_only_its_queue_and_cannot_open_others_by_url(page, service):
    login(page, service, "dlh")
    listed = page.locator("tr[data-row] a").all_inner_texts()
    with service.engine.connect() as connection:
        own = {row.id for row in connection.execute(select(Complaint).where(
            (Complaint.agency == "DLH") | (Complaint.agency.is_(None) & (Complaint.suggested_agency == "DLH"))))}
    assert {int(text.lstrip("#")) for text in listed} <= own
    foreign = service.ids["road-1"]  # routed to PUPR
    response = page.goto(service.base + f"/pengaduan/{foreign}")
    assert response.status == 403
    assert "Tidak diizinkan" in page.inner_text("h1")
    assert COMPLAINTS["road-1"][:30] not in page.content()
    response = page.goto(service.base + "/dasbor")
    assert response.status == 403


def test_typing_a_complaint_number_in_the_search_opens_it(page, browser, service):
    """A reporter calls with their number: the officer types it after `/` and lands on the complaint, whatever the
    queue's status filter; a liaison who may not see it stays on the (empty) list."""
    routed = service.ids["road-1"]  # routed to PUPR, so not in the coordinator's default queue
    login(page, service, "koordinator")
    page.keyboard.press("/")
    page.keyboard.type(f"#{routed}")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/pengaduan/{routed}")
    liaison = browser.new_page()
    login(liaison, service, "dlh")
    liaison.fill("input[data-search]", f"#{routed}")
    liaison.keyboard.press("Enter")
    liaison.wait_for_url("**/antrean?*")
    assert f"#{routed}" not in [t.strip() for t in liaison.locator("tr[data-row] a").all_inner_texts()]
    liaison.close()


def test_confirmed_hoax_joins_the_catalogue_and_is_recognised_next_time(page, service):
    """After the verdict (test above), the coordinator catalogues the claim; a later variant of the message is
    matched, flagged for verification, and its page links the debunk."""
    login(page, service, "koordinator")
    page.goto(f"{service.base}/pengaduan/{service.ids['hoax-1']}")
    page.fill("#katalog input[name=title]", "Bansos 5 juta lewat tautan")
    page.fill("#katalog input[name=url]", "https://contoh.invalid/bantahan-bansos")
    page.click("#katalog button[type=submit]")
    page.wait_for_selector(".pesan")
    assert "katalog hoaks" in page.locator(".pesan").inner_text()
    [decision] = decisions(service, "hoax-1")
    assert decision.hoax_id is not None, "the verdict is linked to the new catalogue entry"
    status, [repeat] = service.call("POST", "/api/v1/complaints", service.token, [
        {"external_id": "hoax-2", "text": "benarkah ada bansos 5 juta utk semua warga? disuruh daftar lewat link "
                                          "bit.ly/bansos-cair sebelum dihapus"}])
    assert status == 201 and repeat["status"] == "needs_verification"
    page.goto(f"{service.base}/pengaduan/{repeat['id']}")
    panel = page.locator(".panel-hoaks")
    assert "Mirip hoaks yang sudah dibantah" in panel.inner_text()
    assert panel.locator("a").get_attribute("href") == "https://contoh.invalid/bantahan-bansos"


def test_access_log_never_holds_complaint_text(service):
    log = service.read_log()
    assert "berlubang" not in log and json.dumps("Sebarkan")[1:-1] not in log


def test_auditor_filters_the_audit_trail_and_downloads_it(page, service):
    login(page, service, "pemeriksa")
    page.click("nav a:has-text('Jejak audit')")
    page.select_option("select[name=action]", "complaint.ingested")
    page.click("form.saring button[type=submit]")
    rows = page.locator("table.audit-log tbody tr")
    assert rows.count() >= len(COMPLAINTS)
    assert set(rows.locator("td:nth-child(2) code").all_inner_texts()) == {"complaint.ingested"}
    assert "Pengaduan diterima" in rows.first.inner_text() and "integrasi" in rows.first.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "audit.png"), full_page=True)
    with page.expect_download() as download:
        page.click("a:has-text('Unduh CSV')")
    exported = list(csv.DictReader(Path(download.value.path()).read_text(encoding="utf-8").splitlines()))
    assert len(exported) == rows.count() and {r["action"] for r in exported} == {"complaint.ingested"}
    page.click(f"table.audit-log a[href='/pengaduan/{exported[0]['complaint_id']}']")
    assert "Pengaduan diterima" in page.locator("section.riwayat").inner_text(), "the detail page names it too"
    page.click("section.riwayat a:has-text('Lihat di jejak audit')")
    assert set(page.locator("table.audit-log a[href^='/pengaduan/']").all_inner_texts()) == {
        f"#{exported[0]['complaint_id']}"}, "and links back to that complaint's trail"


def test_agency_user_has_no_audit_trail(page, service):
    login(page, service, "dlh")
    assert page.locator("nav a:has-text('Jejak audit')").count() == 0
    assert page.goto(service.base + "/audit").status == 403
    assert page.goto(service.base + "/audit/unduh").status == 403


def test_coordinator_manages_users_on_the_users_page(page, service):
    login(page, service, "koordinator")
    page.click("nav a:has-text('Pengguna')")
    page.fill("form.tambah-pengguna input[name=username]", "koordinator")
    page.select_option("form.tambah-pengguna select[name=role]", "auditor")
    page.click("form.tambah-pengguna button[type=submit]")
    assert "sudah dipakai" in page.locator("p.pesan").inner_text(), "a taken name is refused in Indonesian"
    page.fill("form.tambah-pengguna input[name=username]", "pupr.ani")
    page.select_option("form.tambah-pengguna select[name=role]", "agency")
    page.select_option("form.tambah-pengguna select[name=agency]", "PUPR")
    page.fill("form.tambah-pengguna input[name=password]", PASSWORD)
    page.click("form.tambah-pengguna button[type=submit]")
    token_field = page.locator("input.token")
    token = token_field.input_value()
    # autofocus and the script run after load: wait (up to the 10 s timeout) for the token to be selected
    page.wait_for_function("token => (window.getSelection().toString() || document.activeElement.value) === token",
                           arg=token)
    assert service.call("GET", "/api/v1/complaints", token)[0] == 200, "the token shown works at once"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "token.png"), full_page=True)
    page.click("a:has-text('Kembali ke daftar pengguna')")
    row = page.locator("table.pengguna tr", has_text="pupr.ani")
    assert "Penghubung instansi · PUPR" in row.inner_text() and "Aktif" in row.inner_text()
    page.screenshot(path=str(ARTIFACTS / "pengguna.png"), full_page=True)
    row.locator("button:has-text('Nonaktifkan')").click()
    assert "dinonaktifkan" in page.locator("p.pesan").inner_text()
    assert service.call("GET", "/api/v1/complaints", token)[0] == 401, "a disabled user's token stops at once"
    page.locator("table.pengguna tr", has_text="pupr.ani").locator("button:has-text('Aktifkan kembali')").click()
    assert page.locator("table.pengguna tr", has_text="koordinator").locator("button:has-text('Nonaktifkan')") \
        .count() == 0, "no button to lock yourself out"
    page.click("form.keluar button")
    login(page, service, "pupr.ani")
    assert page.locator("nav a:has-text('Pengguna')").count() == 0
    assert page.goto(service.base + "/pengguna").status == 403, "only coordinators manage users"


def test_coordinator_records_a_phone_complaint_once(page, service):
    login(page, service, "koordinator")
    page.keyboard.press("n")
    page.wait_for_url("**/pengaduan/baru")
    page.click("button:has-text('Simpan dan minta saran')")
    assert page.url.endswith("/pengaduan/baru"), "an empty text is refused by the browser before sending"
    text = "Lampu jalan di gang 7 mati sudah dua minggu, gelap dan rawan kalau malam"
    page.fill("textarea[name=text]", text)
    page.fill("input[name=district]", "Kota Lama")
    page.fill("input[name=reporter]", "Ibu Sri")
    sent = page.evaluate("() => Object.fromEntries(new FormData(document.querySelector('form.pengaduan-baru')))")
    page.click("button:has-text('Simpan dan minta saran')")
    assert "diterima dan diberi saran" in page.locator("p.pesan").inner_text()
    stored_url = page.url
    assert "Lampu jalan di gang 7" in page.inner_text("main") and page.locator("[data-pick='1']").count() == 1
    again = page.request.post(service.base + "/pengaduan/baru", form=sent)  # a double click sends the form twice
    assert again.url == stored_url and "sudah tercatat" in again.text(), "the id drawn with the form stores it once"
    with service.engine.connect() as connection:
        rows = list(connection.execute(select(Complaint).where(Complaint.text_original == text)))
    assert len(rows) == 1 and rows[0].channel == "phone" and rows[0].reporter_confidential is True
    assert rows[0].reporter == "Ibu Sri" and rows[0].external_id.startswith("MANUAL-")


def test_a_liaison_changes_their_own_password(page, service):
    triage(service.env, "users", "add", "dlh.sandi", "--role", "agency", "--agency", "DLH")
    set_password(service.env, "dlh.sandi", PASSWORD)
    login(page, service, "dlh.sandi")
    page.click("header a:has-text('dlh.sandi')")
    new = "sandi-baru-milik-sendiri"
    for current, repeat, message in [("salah-sekali-123", new, "sekarang salah"), (PASSWORD, new + "x", "tidak sama"),
                                     (PASSWORD, new, "sudah diganti")]:
        page.fill("input[name=current_password]", current)
        page.fill("input[name=new_password]", new)
        page.fill("input[name=repeat_password]", repeat)
        page.click("button:has-text('Ganti kata sandi')")
        assert message in page.locator("p.pesan").inner_text()
    page.click("form.keluar button")
    page.fill("input[name=username]", "dlh.sandi")
    page.fill("input[name=password]", new)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/masuk" not in url)
    with service.engine.connect() as connection:
        event = connection.execute(select(AuditEvent).where(AuditEvent.action == "user.password_set")
                                   .order_by(AuditEvent.id.desc())).first()
    assert event.detail == {"by": "dlh.sandi", "via": "web"}


def test_queue_downloads_what_it_shows_as_csv(page, service):
    status, _ = service.call("POST", "/api/v1/complaints", service.token, {
        "external_id": "csv-1", "text": "Sampah di pinggir sungai menumpuk dan dibakar warga, asapnya masuk rumah"})
    assert status == 201, "earlier tests may have routed every DLH complaint; this one awaits review"
    login(page, service, "dlh")
    page.select_option("select[name=status]", "pending_review,needs_verification")
    page.click("form.saring button[type=submit]")
    shown = {int(text.lstrip("#")) for text in page.locator("table.antrean td.cuplikan > a").all_inner_texts()}
    with page.expect_download() as download:
        page.click("form.saring a:has-text('Unduh CSV')")
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"), newline="")))
    assert shown and {int(r["id"]) for r in rows} == shown, "the file holds the queue as filtered on the page"
    assert {r["agency"] or r["suggested_agency"] for r in rows} == {"DLH"}


def test_queue_marks_deadlines_falling_today_and_tomorrow(page, service):
    """Liaisons are reprimanded for missed SOP deadlines: the queue says which fall today or tomorrow."""
    today = datetime.now(LOCAL).date()
    marked = {}
    for key, text, day in (("due-today", "Got tersumbat di depan SD, air meluap ke jalan tiap hujan", today),
                           ("due-tomorrow", "Pohon tumbang menutup trotoar di dekat halte sejak kemarin",
                            today + timedelta(days=1))):
        status, body = service.call("POST", "/api/v1/complaints", service.token, {"external_id": key, "text": text})
        assert status == 201
        end_of_day = datetime.combine(day, time(23, 59, 59), tzinfo=LOCAL).astimezone(UTC).replace(tzinfo=None)
        with service.engine.begin() as connection:
            connection.execute(update(Complaint).where(Complaint.id == body["id"]).values(due_at=end_of_day))
        marked[body["id"]] = "hari ini" if day == today else "besok"
    login(page, service, "koordinator")
    for complaint_id, label in marked.items():
        assert page.inner_text(f"tr[data-id='{complaint_id}'] .lencana.dekat") == label


def test_auditor_reads_the_period_recap(page, service):
    login(page, service, "pemeriksa")
    page.click("nav a:has-text('Rekap')")
    year = page.input_value("input[name=received_from]")
    assert year.endswith("-01-01"), "this year by default"
    assert page.inner_text("p[data-periode]").startswith(f"Diterima 1 Januari {year[:4]} – "), \
        "the period in words: an English browser shows the date field as mm/dd/yyyy"
    total = page.locator("table.rekap tfoot td").first.inner_text()
    with service.engine.connect() as connection:
        stored = len(list(connection.execute(select(Complaint.id))))
    assert int(total.replace(".", "")) == stored, "every complaint received this year is counted once"
    assert "Angka per" in page.inner_text("p[data-computed-at]"), "says when the figures were computed"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "rekap.png"), full_page=True)
    with page.expect_download() as download:
        page.click("form.saring a:has-text('Unduh CSV')")
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"), newline="")))
    assert rows[-1]["agency"] == "TOTAL" and rows[-1]["received"] == str(stored)
    page.keyboard.press("r")
    page.wait_for_url("**/rekap?*baru=1*")
    assert page.input_value("input[name=received_from]") == year, "recomputed for the same period"
    page.click("nav a:has-text('Pengguna')")
    assert page.locator("table.pengguna tbody tr").count() >= 4, "auditors see who has access"
    assert page.locator("table.pengguna button, form.tambah-pengguna").count() == 0, "but change nothing"


def test_a_liaison_hands_a_misrouted_complaint_back_and_the_coordinator_sees_it(page, service):
    status, body = service.call("POST", "/api/v1/complaints", service.token, {
        "external_id": "return-1", "text": "Sampah menumpuk di TPS dekat pasar, sudah seminggu tidak diangkut"})
    assert status == 201 and body["suggestion"]["agency_top"][0]["code"] == "DLH"
    complaint_id = body["id"]
    route_as_coordinator(page, service, complaint_id, "DLH", "LINGKUNGAN")

    login(page, service, "dlh")
    page.goto(f"{service.base}/pengaduan/{complaint_id}")
    page.fill("#kembalikan textarea[name=reason]", "TPS pasar dikelola Dinas Perdagangan, bukan DLH")
    page.click("#kembalikan button[type=submit]")
    assert f"Pengaduan #{complaint_id} dikembalikan ke koordinator." in page.inner_text("body")
    assert page.goto(f"{service.base}/pengaduan/{complaint_id}").status == 403, \
        "still suggested to DLH, but DLH handed it back: no longer in its queue"
    page.goto(f"{service.base}/antrean")
    page.click("form.keluar button")

    login(page, service, "koordinator")
    page.select_option("select[name=returned]", "true")
    page.click("form.saring button[type=submit]")
    rows = page.locator("table.antrean tbody tr")
    assert rows.count() == 1 and "dikembalikan DLH" in rows.first.inner_text()
    rows.first.locator("td.cuplikan a").click()
    assert "TPS pasar dikelola Dinas Perdagangan, bukan DLH" in page.inner_text("p.dikembalikan")
    assert page.locator("#kembalikan").count() == 0, "coordinators route it again instead"
    assert "DLH" not in page.inner_text("#setujui button"), "the agency that refused is not the one-key choice"
    assert "pernah mengembalikan" in page.inner_text("ol.pilihan li:has-text('DLH')")
    assert complaint(service, "return-1").returned_by == "DLH"


def test_a_coordinator_opens_a_confidential_identity_and_it_is_audited(page, service):
    text = "Lampu jalan di gang 5 mati seminggu, hubungi saya di 0812 3456 7890 kalau petugas datang"
    status, body = service.call("POST", "/api/v1/complaints", service.token, {
        "external_id": "identity-1", "text": text, "reporter": "Ibu Rahasia", "reporter_confidential": True})
    assert status == 201
    login(page, service, "koordinator")
    page.goto(f"{service.base}/pengaduan/{body['id']}")
    content = page.inner_text("body")
    assert "Ibu Rahasia" not in content and "0812 3456 7890" not in content, "nothing personal until asked"
    page.click("#identitas button")
    assert page.inner_text("p.pelapor").startswith("Pelapor: Ibu Rahasia")
    assert page.inner_text("[data-original-text]") == text
    assert page.locator("#identitas").count() == 0
    with service.engine.connect() as connection:
        events = list(connection.execute(select(AuditEvent.action).where(AuditEvent.complaint_id == body["id"])))
    assert [e.action for e in events] == ["complaint.ingested", "complaint.identity_viewed"]


def test_a_repeat_complaint_is_routed_like_the_earlier_one_in_one_click(page, service):
    texts = {"repeat-1": "Lampu penerangan jalan di depan masjid Al Ikhlas padam sejak minggu lalu, gelap sekali",
             "repeat-2": "Lampu penerangan jalan depan masjid Al Ikhlas padam sejak seminggu lalu, gelap sekali"}
    status, body = service.call("POST", "/api/v1/complaints", service.token,
                                [{"external_id": key, "text": text} for key, text in texts.items()])
    assert status == 201
    first, second = (item["id"] for item in body)
    login(page, service, "koordinator")
    page.goto(f"{service.base}/pengaduan/{first}")
    page.fill("#putuskan input[name=agency]", "DISPERKIM")
    page.fill("#putuskan input[name=category]", "PJU")
    page.click("#putuskan button[type=submit]")
    page.goto(f"{service.base}/pengaduan/{second}")
    page.click(f"form.seperti button:has-text('Teruskan seperti #{first}: DISPERKIM / PJU')")
    page.wait_for_selector(".pesan")
    with service.engine.connect() as connection:
        [decision] = connection.execute(select(Decision).where(Decision.complaint_id == second))
    assert (decision.agency, decision.category, decision.note) == ("DISPERKIM", "PJU", f"seperti #{first}")


def test_a_liaison_finds_what_was_routed_to_them_and_records_a_follow_up(page, service):
    status, body = service.call("POST", "/api/v1/complaints", service.token, {
        "external_id": "follow-1", "text": "Bak sampah di depan SD Negeri 3 sudah penuh dan belum diangkut tiga hari"})
    assert status == 201
    complaint_id = body["id"]
    route_as_coordinator(page, service, complaint_id, "DLH", "SAMPAH")

    login(page, service, "dlh")
    assert page.input_value("select[name=status]") == "routed", "a liaison's queue opens on what was routed to them"
    row = page.locator("table.antrean tbody tr", has_text="SD Negeri 3")
    assert "belum ditanggapi" in row.inner_text()
    assert page.locator("table.antrean input[type=checkbox]").count() == 0, "bulk accept is for the review queue"
    row.locator("td.cuplikan a").click()
    page.wait_for_url(f"**/pengaduan/{complaint_id}*")
    page.wait_for_load_state()  # "load": the deferred keyboard script has run
    page.keyboard.press("t")  # the shortcut puts the cursor in the follow-up
    page.keyboard.type("Truk dijadwalkan mengangkut besok pagi")
    page.click("#tindak-lanjut button[type=submit]")
    assert "Tindak lanjut pengaduan" in page.inner_text(".pesan")
    assert "Sudah ditanggapi" in page.inner_text("#tindak-lanjut")
    assert "Truk dijadwalkan mengangkut besok pagi" in page.inner_text("section.riwayat")
    stored = complaint(service, "follow-1")
    assert stored.responded_at is not None and stored.due_at > stored.responded_at
    assert page.locator("#setujui").count() == 0, "no one-key re-routing of a complaint already routed"

    page.fill("#selesaikan textarea[name=outcome]", "Sampah sudah diangkut, bak dibersihkan")
    page.click("#selesaikan button[type=submit]")
    assert f"Pengaduan #{complaint_id} ditandai selesai." in page.inner_text(".pesan")
    stored = complaint(service, "follow-1")
    assert stored.status == "resolved" and stored.due_at is None
    with service.engine.connect() as connection:
        [resolution] = connection.execute(select(Resolution).where(Resolution.complaint_id == complaint_id))
    assert (resolution.final_agency, resolution.outcome) == ("DLH", "Sampah sudah diangkut, bak dibersihkan")


def test_a_coordinator_reclassifies_a_backlog_file_and_downloads_the_result(page, service, tmp_path):
    backlog, wrong = tmp_path / "ekspor_lapor.csv", tmp_path / "ekspor_lapor.txt"
    with open(backlog, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "text"])
        writer.writerows([(f"b-{i}", text) for i, text in enumerate(COMPLAINTS.values())] + [("b-kosong", "")])
    wrong.write_text("bukan tabel")
    login(page, service, "koordinator")
    page.click("nav a:has-text('Berkas')")
    page.set_input_files("#berkas", str(wrong))
    page.click("form.unggah button[type=submit]")
    assert "ekspor_lapor.txt tidak dapat diproses" in page.locator("p.pesan").inner_text()
    page.set_input_files("#berkas", str(backlog))
    page.click("form.unggah button[type=submit]")
    assert "ekspor_lapor.csv diterima" in page.locator("p.pesan").inner_text()
    # the rows refresh themselves in place while the job waits or runs: no reload, so focus and typing stay
    page.evaluate("window.notReloaded = true")
    page.wait_for_selector("table.berkas tr[data-status=done]:has-text('ekspor_lapor.csv')", timeout=90_000)
    assert page.evaluate("window.notReloaded") is True
    row = page.locator("table.berkas tr:has-text('ekspor_lapor.csv')").first
    assert "Selesai" in row.inner_text() and "koordinator" in row.inner_text() and "(1 ditolak)" in row.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "berkas.png"), full_page=True)
    with page.expect_download() as download:
        row.locator("a:has-text('Unduh hasil')").click()
    assert download.value.suggested_filename == "ekspor_lapor-hasil.csv"
    scored = list(csv.DictReader(Path(download.value.path()).read_text(encoding="utf-8").splitlines()))
    assert [r["id"] for r in scored] == [f"b-{i}" for i in range(len(COMPLAINTS))]
    assert all(r["agency"] for r in scored)
    with page.expect_download() as download:
        row.locator("a:has-text('Baris yang ditolak')").click()
    rejected = list(csv.DictReader(Path(download.value.path()).read_text(encoding="utf-8").splitlines()))
    assert [(r["id"], r["reason"]) for r in rejected] == [("b-kosong", "empty text")]
    row.locator("form.hapus-berkas button").click()
    assert "Berkas hasil ekspor_lapor.csv dihapus" in page.locator("p.pesan").inner_text()
    row = page.locator("table.berkas tr:has-text('ekspor_lapor.csv')").first
    assert "Berkas hasil dihapus" in row.inner_text() and row.locator("a:has-text('Unduh hasil')").count() == 0


def test_agency_user_has_no_files_page(page, service):
    login(page, service, "dlh")
    assert page.locator("nav a:has-text('Berkas')").count() == 0
    assert page.goto(service.base + "/berkas").status == 403


def test_officers_search_the_hoax_catalogue_and_check_a_circulating_message(page, service):
    title = "Rekrutmen CPNS jalur khusus tanpa tes dengan membayar uang pendaftaran"
    claim = ("Dibuka rekrutmen CPNS jalur khusus tanpa tes untuk lulusan SMA, cukup transfer uang pendaftaran "
             "sepuluh juta ke rekening panitia sebelum kuota penuh")
    login(page, service, "koordinator")
    page.click("nav a:has-text('Katalog hoaks')")
    page.click("#entri-baru button[type=submit]")
    assert "Isi judul atau klaim" in page.locator("p.pesan").inner_text(), "an empty entry is refused"
    page.fill("#entri-baru input[name=title]", title)
    page.fill("#entri-baru textarea[name=claim]", claim)
    page.select_option("#entri-baru select[name=verdict]", "hoax")
    page.fill("#entri-baru input[name=url]", "https://contoh.go.id/bantahan-cpns")
    page.click("#entri-baru button[type=submit]")
    assert "Entri ditambahkan" in page.locator("p.pesan").inner_text()
    entry = page.locator("table.katalog tbody tr", has_text=title)
    assert entry.count() == 1 and "Hoaks" in entry.inner_text()
    entry_id = entry.get_attribute("data-entry")

    page.fill("#pesan", "info grup wa: ada rekrutmen cpns jalur khusus tanpa tes buat lulusan sma, transfer uang "
                        "pendaftaran 10 juta ke rekening panitia sebelum kuota penuh. benar tidak?")
    page.click("section.periksa button[type=submit]")
    result = page.locator("[data-check]")
    assert result.locator(f"[data-match='{entry_id}']").count() == 1, result.inner_text()
    assert "perlu diverifikasi" in result.inner_text()
    assert "bukan kebenaran isinya" in result.locator("[data-caveat]").inner_text(), "the score is not a verdict"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "katalog.png"), full_page=True)
    page.fill("#pesan", "Jadwal posyandu balita di balai RW 03 bulan depan pindah ke hari Selasa pagi")
    page.click("section.periksa button[type=submit]")
    assert "Tidak mirip hoaks mana pun" in page.locator("[data-check]").inner_text()
    assert page.locator("[data-check] [data-caveat]").count() == 1, "an unflagged message is not declared true"

    page.fill("input[name=q]", "jalur khusus tanpa tes")
    page.click("form.saring button[type=submit]")
    assert page.locator("table.katalog tbody tr[data-entry]").all_inner_texts()[0].startswith(entry_id)
    page.click("form.keluar button")
    login(page, service, "pemeriksa")
    page.click("nav a:has-text('Katalog hoaks')")
    assert page.locator(f"tr[data-entry='{entry_id}']").count() == 1 and page.locator("#entri-baru").count() == 0


def test_agency_user_has_no_catalogue_page(page, service):
    login(page, service, "dlh")
    assert page.locator("nav a:has-text('Katalog hoaks')").count() == 0
    assert page.goto(service.base + "/katalog-hoaks").status == 403


def test_a_coordinator_reopens_a_resolution_the_reporter_objects_to(page, service):
    status, body = service.call("POST", "/api/v1/complaints", service.token, [
        {"external_id": "reopen-web", "text": "Lampu PJU depan masjid mati lagi padahal katanya sudah diperbaiki"}])
    assert status == 201, body
    detail_url = f"{service.base}/pengaduan/{body[0]['id']}"
    login(page, service, "koordinator")
    page.goto(detail_url)
    page.fill("#putuskan input[name=agency]", "DISHUB")
    page.fill("#putuskan input[name=category]", "PJU")
    page.click("#putuskan button[type=submit]")
    page.goto(detail_url)
    page.fill("#selesaikan textarea[name=outcome]", "Lampu sudah diganti petugas")
    page.click("#selesaikan button[type=submit]")
    page.goto(detail_url)
    assert page.locator("#selesaikan").count() == 0
    page.fill("#buka-kembali textarea[name=reason]", "Pelapor menyatakan lampu masih mati sampai sekarang")
    page.click("#buka-kembali button[type=submit]")
    assert "dibuka kembali, kembali ke DISHUB" in page.locator("p.pesan").inner_text()
    assert "lampu masih mati sampai sekarang" in page.locator("[data-reopened]").inner_text()
    assert page.locator("#buka-kembali").count() == 0 and page.locator("#selesaikan").count() == 1
    assert "Dibuka kembali oleh koordinator" in page.locator("section.riwayat").inner_text()


def test_a_duplicate_report_is_closed_into_the_one_it_repeats_and_can_be_separated_again(page, service):
    texts = {"ganda-1": "Pohon tumbang menutup jalan di depan SD Negeri 4 Karangsari sejak subuh, kendaraan tidak lewat",
             "ganda-2": "Pohon tumbang menutup jalan depan SD Negeri 4 Karangsari sejak subuh tadi, kendaraan tak bisa lewat"}
    status, body = service.call("POST", "/api/v1/complaints", service.token,
                                [{"external_id": key, "text": text} for key, text in texts.items()])
    assert status == 201, body
    first, second = (item["id"] for item in body)
    login(page, service, "koordinator")
    page.goto(f"{service.base}/pengaduan/{second}")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "laporan-ganda.png"), full_page=True)
    page.keyboard.press("d")
    page.keyboard.type(str(second))
    page.keyboard.press("Enter")
    assert "Belum digabung" in page.locator("p.pesan").inner_text()
    page.click(f"form.gabung-serupa button:has-text('Laporan ganda dari #{first}')")
    assert f"digabung sebagai laporan ganda dari #{first}" in page.locator("p.pesan").inner_text()
    assert page.locator("[data-duplicate-of]").get_attribute("data-duplicate-of") == str(first)
    assert page.locator("#putuskan").count() == 0 and page.locator("#gabung").count() == 0, "closed: nothing to route"
    page.click(f"[data-duplicate-of] a:has-text('#{first}')")
    assert f"#{second}" in page.locator("[data-duplicates]").inner_text()
    page.goto(f"{service.base}/antrean?q=Karangsari")
    assert page.locator(f"tr[data-id='{first}']").count() == 1
    assert page.locator(f"tr[data-id='{second}']").count() == 0, "out of the review queue"
    assert page.locator(f"tr[data-id='{first}'] [data-duplicates]").inner_text() == "+1 laporan ganda"

    page.goto(f"{service.base}/pengaduan/{second}")
    page.click("#pisahkan button[type=submit]")
    assert "dipisahkan" in page.locator("p.pesan").inner_text()
    assert page.locator("[data-duplicate-of]").count() == 0 and page.locator("#putuskan").count() == 1
    assert "Dipisahkan dari laporan ganda" in page.locator("section.riwayat").inner_text()
