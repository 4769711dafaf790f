"""The dashboard's figures and the period recap are reused for a while per process, say when they were computed,
and are recomputed at once when asked."""

import json
import threading
import time

import pytest
from test_cli import run

from triage.accounts import Forbidden, Principal
from triage.recap import recap
from triage.report_cache import ReportCache
from triage.stats import stats

ROAD = "Jalan di depan pasar berlubang besar dan membahayakan pengendara motor."


def _ingest(world, external_id: str) -> None:
    sessions, complaints, admin, _ = world
    complaints.ingest(sessions, admin, [{"external_id": external_id, "text": ROAD}])


def _get(world, cache: ReportCache, fresh: bool = False) -> dict:
    sessions, _, admin, _ = world
    with sessions() as session:
        return cache.get(admin, "dashboard", lambda: stats(session), fresh=fresh)


def test_figures_are_reused_until_they_are_too_old_or_asked_fresh(world):
    cache = ReportCache(max_age=3600)
    _ingest(world, "s-1")
    first = _get(world, cache)
    assert first["total"] == 1 and first["max_age_seconds"] == 3600 and first["computed_at"].endswith("Z")
    _ingest(world, "s-2")
    assert _get(world, cache) is first, "within max_age the kept figures are served"
    fresh = _get(world, cache, fresh=True)
    assert fresh["total"] == 2, "fresh=True counts the complaint ingested meanwhile"
    assert _get(world, cache) is fresh, "and is what later requests get"

    always = ReportCache(max_age=0)
    before = _get(world, always)
    _ingest(world, "s-3")
    assert _get(world, always)["total"] == before["total"] + 1, "max_age 0 computes every time"


def test_each_recap_period_is_kept_apart(world):
    sessions, _, admin, _ = world
    cache = ReportCache(max_age=3600)
    _ingest(world, "s-recap")

    def period(received_from: str) -> dict:
        args = {"received_from": received_from, "received_to": None}
        with sessions() as session:
            return cache.get(admin, ("recap", received_from), lambda: recap(session, admin, args))

    assert period("2000-01-01")["total"]["received"] == 1
    assert period("2999-01-01")["total"]["received"] == 0, "another period is computed, not taken from the first"
    assert period("2000-01-01")["max_age_seconds"] == 3600


def test_agency_liaisons_get_no_figures_even_from_the_cache(world):
    sessions, _, admin, liaison = world
    cache = ReportCache(max_age=3600)
    with sessions() as session:
        cache.get(admin, "dashboard", lambda: stats(session))
        with pytest.raises(Forbidden):
            cache.get(liaison, "dashboard", lambda: stats(session))


def test_cli_prints_the_figures_computed_now(world, database_url):
    _ingest(world, "s-cli")
    result = run("stats", env={"TRIAGE_DATABASE_URL": database_url})
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["total"] == 1 and figures["by_status"] == {"pending_review": 1}
    assert {"weekly_by_agency", "model_versions", "computed_at"} <= set(figures)


def test_a_request_that_waited_for_another_computation_takes_its_result():
    """Two workers' threads asking at once (even for fresh figures) compute once: the second waits for the first."""
    cache, started, calls = ReportCache(max_age=0), threading.Event(), []
    coordinator = Principal(None, "koordinator", "coordinator", None)

    def slow() -> dict:
        calls.append(1)
        started.set()
        time.sleep(0.3)
        return {"n": len(calls)}

    first = threading.Thread(target=cache.get, args=(coordinator, "dashboard", slow))
    first.start()
    assert started.wait(5)
    second = cache.get(coordinator, "dashboard", slow, fresh=True)  # asked while the first was computing
    first.join()
    assert len(calls) == 1 and second["n"] == 1
