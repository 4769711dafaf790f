"""The complaint workflow over real HTTP, against a SQLite file and the machine's PostgreSQL."""

import csv
import io
import json
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from http_service import Service, triage
from sqlalchemy import create_engine, func, select, text

from triage import changes
from triage.deadlines import LOCAL
from triage.store.tables import STATUSES, AuditEvent, Complaint, Decision

ROAD = "Jalan di depan pasar berlubang besar dan sudah dua minggu belum diperbaiki, motor sering jatuh"
TRASH = "Sampah di TPS dekat balai RW menumpuk seminggu tidak diangkut, baunya menyengat"
WATER = "Air PDAM di rumah kami mati sejak tiga hari, mohon segera diperbaiki"


@pytest.fixture(scope="module")
def service(model_registry, module_database_url):
    url = module_database_url
    env = {"TRIAGE_MODELS_DIR": str(model_registry), "TRIAGE_DATABASE_URL": url}
    tokens = {name: triage(env, "users", "add", name, "--role", role, *(["--agency", agency] if agency else []))
              for name, role, agency in [("koordinator", "coordinator", None), ("dlh", "agency", "DLH"),
                                         ("pupr", "agency", "PUPR"), ("auditor", "auditor", None),
                                         ("integrasi", "integration", None)]}
    server = Service(env, workers=3)
    server.tokens = tokens
    server.engine = create_engine(url)
    yield server
    server.engine.dispose()
    server.stop()


def ingest(service, external_id, text, token="integrasi", **extra):
    return service.call("POST", "/api/v1/complaints", service.tokens[token],
                        {"external_id": external_id, "text": text, **extra})


def count(service, model, *where):
    with service.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(model).where(*where)).scalar()


def test_ingest_stores_scores_and_is_idempotent(service):
    status, body = ingest(service, "web-1", ROAD, channel="web", district="Kota Lama")
    assert status == 201 and body["created"] is True
    assert body["status"] == "pending_review"
    assert body["suggestion"]["agency_top"][0]["code"] == "PUPR"
    again_status, again = ingest(service, "web-1", ROAD)
    assert again_status == 200 and again["id"] == body["id"] and again["created"] is False
    assert count(service, Complaint, Complaint.external_id == "web-1") == 1


def test_ingest_a_list_and_reject_bad_items(service):
    items = [{"external_id": f"sms-{i}", "text": t, "channel": "sms"} for i, t in enumerate([TRASH, WATER])]
    status, body = service.call("POST", "/api/v1/complaints", service.tokens["integrasi"], items)
    assert status == 201 and [b["created"] for b in body] == [True, True]
    status, body = service.call("POST", "/api/v1/complaints", service.tokens["integrasi"],
                                [{"external_id": "x", "text": "a"}] * 1001)
    assert (status, body["error"]["code"]) == (422, "invalid_batch_size")
    status, body = service.call("POST", "/api/v1/complaints", service.tokens["integrasi"],
                                [{"external_id": "ok-1", "text": TRASH}, {"external_id": "bad", "text": ""}])
    assert (status, body["error"]["code"]) == (422, "invalid_text") and "item 1" in body["error"]["message"]
    assert count(service, Complaint, Complaint.external_id == "ok-1") == 0, "a rejected batch stores nothing"
    for field, code in (("reporter", "invalid_reporter"), ("district", "invalid_district")):
        status, body = ingest(service, "long-1", TRASH, **{field: "x" * 300})
        assert (status, body["error"]["code"]) == (422, code), "too long for its column: refused, not a 500"


def test_a_list_repeating_known_and_new_ids_stores_each_once(service):
    _, first = ingest(service, "mix-known", ROAD)
    items = [{"external_id": key, "text": TRASH} for key in ("mix-new", "mix-known", "mix-new")]
    status, body = service.call("POST", "/api/v1/complaints", service.tokens["integrasi"], items)
    assert status == 201 and [b["created"] for b in body] == [True, False, False]
    assert body[1]["id"] == first["id"] and body[1]["suggestion"] == first["suggestion"]
    assert body[0]["id"] == body[2]["id"] and body[0]["suggestion"]["agency_top"][0]["code"] == "DLH"
    assert count(service, Complaint, Complaint.external_id.in_(["mix-new", "mix-known"])) == 2
    assert count(service, AuditEvent, AuditEvent.action == "complaint.ingested",
                 AuditEvent.complaint_id == body[0]["id"]) == 1


def test_parallel_ingests_of_one_external_id_make_one_complaint(service):
    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(lambda _: ingest(service, "dup-1", TRASH), range(20)))
    assert {status for status, _ in results} <= {200, 201}
    assert len({body["id"] for _, body in results}) == 1
    assert sum(body["created"] for _, body in results) == 1
    assert count(service, Complaint, Complaint.external_id == "dup-1") == 1


def test_two_parallel_decisions_one_wins_the_other_gets_409(service):
    _, created = ingest(service, "race-1", ROAD)
    decision = {"category": "JALAN", "agency": "PUPR", "expected_revision": 0}
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda token: service.call("POST", f"/api/v1/complaints/{created['id']}/decision",
                                                             service.tokens[token], decision),
                                ["koordinator", "pupr"]))
    assert sorted(status for status, _ in results) == [200, 409]
    loser = next(body for status, body in results if status == 409)
    assert loser["error"]["current_revision"] == 1
    assert count(service, Decision, Decision.complaint_id == created["id"]) == 1
    status, revised = service.call("POST", f"/api/v1/complaints/{created['id']}/decision",
                                   service.tokens["koordinator"],
                                   {**decision, "agency": "DISPERKIM", "category": "PERUMAHAN", "expected_revision": 1,
                                    "note": "jalan kampung, bukan jalan kota"})
    assert status == 200 and revised["revision"] == 2
    _, detail = service.call("GET", f"/api/v1/complaints/{created['id']}", service.tokens["koordinator"])
    assert [d["agency"] for d in detail["decisions"]] == ["PUPR", "DISPERKIM"], "revisions add rows"
    assert detail["agency"] == "DISPERKIM" and detail["status"] == "routed" and detail["due_at"]


def test_unknown_codes_and_missing_revision_are_422(service):
    _, created = ingest(service, "codes-1", TRASH)
    path = f"/api/v1/complaints/{created['id']}/decision"
    for body, code in [({"category": "SAMPAH", "agency": "NOPE", "expected_revision": 0}, "unknown_agency"),
                       ({"category": "NOPE", "agency": "DLH", "expected_revision": 0}, "unknown_category"),
                       ({"category": "SAMPAH", "agency": "DLH"}, "invalid_expected_revision")]:
        status, answer = service.call("POST", path, service.tokens["koordinator"], body)
        assert (status, answer["error"]["code"]) == (422, code)


def test_agency_user_sees_only_its_own_complaints(service):
    _, trash = ingest(service, "role-dlh", TRASH, reporter="Bu Sari, RT 02", reporter_confidential=True)
    _, road = ingest(service, "role-pupr", ROAD, reporter="Pak Budi", reporter_confidential=False)
    dlh = service.tokens["dlh"]
    status, own = service.call("GET", f"/api/v1/complaints/{trash['id']}", dlh)
    assert status == 200 and "text_original" not in own and "reporter" not in own
    assert service.call("GET", f"/api/v1/complaints/{road['id']}", dlh)[0] == 403
    status, listing = service.call("GET", "/api/v1/complaints?limit=200", dlh)
    assert status == 200 and all(i["agency"] == "DLH" or i["suggestion"]["agency_top"][0]["code"] == "DLH"
                                 for i in listing["items"])
    assert trash["id"] in {i["id"] for i in listing["items"]}
    assert road["id"] not in {i["id"] for i in listing["items"]}
    assert service.call("GET", "/api/v1/complaints?agency=PUPR", dlh)[0] == 403
    decision = {"category": "JALAN", "agency": "DLH", "expected_revision": 0}
    assert service.call("POST", f"/api/v1/complaints/{road['id']}/decision", dlh, decision)[0] == 403
    status, other = service.call("GET", f"/api/v1/complaints/{road['id']}", service.tokens["pupr"])
    assert status == 200 and other["reporter"] == "Pak Budi", "a non-confidential reporter is visible"
    coordinator = service.tokens["koordinator"]
    status, plain = service.call("GET", f"/api/v1/complaints/{trash['id']}", coordinator)
    assert status == 200 and "text_original" not in plain and "reporter" not in plain, "identity only on request"
    _, listing = service.call("GET", "/api/v1/complaints?limit=200", coordinator)
    assert not any("text_original" in item for item in listing["items"]), "lists never carry identities"
    assert service.call("GET", f"/api/v1/complaints/{trash['id']}?identity=true", dlh)[0] == 403
    status, full = service.call("GET", f"/api/v1/complaints/{trash['id']}?identity=true", coordinator)
    assert full["text_original"] == TRASH and full["reporter"] == "Bu Sari, RT 02"
    assert full["audit"][-1]["action"] == "complaint.identity_viewed" and full["audit"][-1]["user"] == "koordinator"


def test_other_roles_get_403_outside_their_role(service):
    _, created = ingest(service, "role-other", WATER)
    decision = {"category": "AIR", "agency": "PDAM", "expected_revision": 0}
    for token in ("integrasi", "auditor"):
        status, body = service.call("POST", f"/api/v1/complaints/{created['id']}/decision",
                                    service.tokens[token], decision)
        assert (status, body["error"]["code"]) == (403, "forbidden")
    assert service.call("GET", "/api/v1/complaints", service.tokens["integrasi"])[0] == 403
    assert service.call("GET", "/api/v1/stats", service.tokens["dlh"])[0] == 403
    status, audited = service.call("GET", f"/api/v1/complaints/{created['id']}", service.tokens["auditor"])
    assert status == 200 and [e["action"] for e in audited["audit"]] == ["complaint.ingested"]
    assert "text_original" not in audited
    assert service.call("GET", "/api/v1/complaints", None)[0] == 401


def test_resolution_closes_the_complaint(service):
    _, created = ingest(service, "resolve-1", WATER)
    path = f"/api/v1/complaints/{created['id']}"
    service.call("POST", path + "/decision", service.tokens["koordinator"],
                 {"category": "AIR", "agency": "PDAM", "expected_revision": 0})
    status, body = service.call("POST", path + "/resolution", service.tokens["koordinator"],
                                {"outcome": "pipa diperbaiki", "final_agency": "PDAM"})
    assert status == 200 and body["status"] == "resolved"
    status, body = service.call("POST", path + "/decision", service.tokens["koordinator"],
                                {"category": "AIR", "agency": "PDAM", "expected_revision": body["revision"]})
    assert status == 409
    _, detail = service.call("GET", path, service.tokens["koordinator"])
    assert detail["due_at"] is None and detail["overdue"] is False and detail["resolutions"][0]["final_agency"] == "PDAM"


def test_an_agency_hands_a_misrouted_complaint_back_and_it_is_not_learned_from(service, tmp_path):
    bridge = "Jembatan gantung di dusun seberang sungai talinya putus sebagian, warga takut menyeberang"
    _, created = ingest(service, "return-1", bridge)
    path = f"/api/v1/complaints/{created['id']}"
    coordinator, pupr, dlh = (service.tokens[n] for n in ("koordinator", "pupr", "dlh"))
    service.call("POST", path + "/decision", coordinator, {"category": "LINGKUNGAN", "agency": "DLH",
                                                           "expected_revision": 0})

    def exported() -> set[str]:
        """The agencies `triage export-training` gives this complaint's text."""
        out = tmp_path / "training.csv"
        triage(service.env, "export-training", "-o", str(out))
        return {row["agency"] for row in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))
                if row["text"] == bridge}

    assert exported() == {"DLH"}
    back = {"reason": "Jembatan, bukan kewenangan DLH", "expected_revision": 1}
    for token, body, expected in [(pupr, back, 403), (coordinator, back, 403), (dlh, {**back, "reason": " "}, 422),
                                  (dlh, {**back, "expected_revision": 0}, 409)]:
        status, answer = service.call("POST", path + "/return", token, body)
        assert status == expected, answer
    status, answer = service.call("POST", path + "/return", dlh, back)
    assert status == 200 and answer == {"id": created["id"], "status": "pending_review", "revision": 2,
                                        "returned_by": "DLH"}
    assert service.call("POST", path + "/return", dlh, {**back, "expected_revision": 2})[0] == 403
    assert service.call("GET", path, dlh)[0] == 403, "the agency that handed it back no longer sees it"
    _, own = service.call("GET", "/api/v1/complaints?limit=200", dlh)
    assert created["id"] not in {i["id"] for i in own["items"]}

    _, detail = service.call("GET", path, coordinator)
    assert detail["status"] == "pending_review" and detail["agency"] is None and detail["returned_by"] == "DLH"
    assert detail["returns"][0]["reason"] == back["reason"] and detail["returns"][0]["user"] == "dlh"
    assert detail["audit"][-1]["action"] == "complaint.returned" and not detail["overdue"]
    _, listing = service.call("GET", "/api/v1/complaints?returned=true&limit=200", coordinator)
    assert [i["id"] for i in listing["items"]] == [created["id"]]
    assert exported() == set(), "a refused routing is not a training label"
    status, plan = service.call("POST", "/api/v1/complaints/bulk-accept", coordinator,
                                {"ids": [created["id"]], "threshold": 0.0, "dry_run": True})
    assert plan["skipped"] == [{"id": created["id"], "reason": "returned"}], "a person decides where it goes now"

    status, _ = service.call("POST", path + "/decision", coordinator, {"category": "JALAN", "agency": "PUPR",
                                                                       "expected_revision": 2})
    assert status == 200
    _, detail = service.call("GET", path, pupr)
    assert detail["returned_by"] is None and detail["status"] == "routed"
    assert exported() == {"PUPR"}


def test_the_first_follow_up_meets_the_response_deadline(service):
    received = "2026-03-02T09:00:00+07:00"  # a Monday
    _, created = ingest(service, "follow-1", TRASH, received_at=received)
    path = f"/api/v1/complaints/{created['id']}"
    coordinator, dlh, pupr = (service.tokens[n] for n in ("koordinator", "dlh", "pupr"))
    note = {"text": "Petugas dijadwalkan mengangkut hari Kamis"}
    assert service.call("POST", path + "/follow-up", coordinator, note)[0] == 409, "not routed yet"
    service.call("POST", path + "/decision", coordinator, {"category": "SAMPAH", "agency": "DLH",
                                                           "expected_revision": 0})
    _, listing = service.call("GET", "/api/v1/complaints?status=routed&responded=false&limit=200", dlh)
    assert created["id"] in {i["id"] for i in listing["items"]}
    for token, body, expected in [(pupr, note, 403), (service.tokens["auditor"], note, 403),
                                  (dlh, {"text": "  "}, 422)]:
        assert service.call("POST", path + "/follow-up", token, body)[0] == expected

    status, first = service.call("POST", path + "/follow-up", dlh, note)
    assert status == 200 and first["first"] is True and first["revision"] == 2
    assert first["due_at"] == "2026-05-01T16:59:59Z", "now the resolution deadline: 60 days after receipt (WIB)"
    status, second = service.call("POST", path + "/follow-up", dlh, {"text": "Sudah diangkut sebagian"})
    assert second["first"] is False and second["responded_at"] == first["responded_at"]
    _, detail = service.call("GET", path, coordinator)
    assert [f["text"] for f in detail["follow_ups"]] == [note["text"], "Sudah diangkut sebagian"]
    assert detail["follow_ups"][0]["user"] == "dlh" and detail["audit"][-1]["action"] == "complaint.followed_up"
    _, listing = service.call("GET", "/api/v1/complaints?status=routed&responded=true&limit=200", dlh)
    assert created["id"] in {i["id"] for i in listing["items"]}

    service.call("POST", path + "/decision", coordinator, {"category": "SAMPAH", "agency": "PUPR",
                                                           "expected_revision": 3})
    _, moved = service.call("GET", path, pupr)
    assert moved["responded_at"] is None, "a new agency owes its own first response"


def read_feed(service) -> list[dict]:
    """The whole changes feed, page by page, as a synchronisation reads it (once this test's events settled)."""
    time.sleep(changes.SETTLE.total_seconds() + 0.5)  # events show once settled (see triage.changes)
    feed, after = [], 0
    while True:
        status, page = service.call("GET", f"/api/v1/changes?after={after}&limit=50", service.tokens["integrasi"])
        assert status == 200 and page["next_after"] >= after
        if not page["items"]:
            return feed
        assert [c["id"] for c in page["items"]] == sorted(c["id"] for c in page["items"])
        assert page["next_after"] == page["items"][-1]["id"]
        feed, after = feed + page["items"], page["next_after"]


def test_the_changes_feed_tells_the_source_system_what_reporters_may_learn(service):
    sync, coordinator, dlh = (service.tokens[n] for n in ("integrasi", "koordinator", "dlh"))
    _, created = ingest(service, "feed-1", TRASH)
    path = f"/api/v1/complaints/{created['id']}"
    service.call("POST", path + "/decision", coordinator, {"category": "SAMPAH", "agency": "DLH",
                                                           "misinformation": False, "note": "internal note",
                                                           "expected_revision": 0})
    service.call("POST", path + "/follow-up", dlh, {"text": "Diangkut besok pagi"})
    service.call("POST", path + "/resolution", dlh, {"outcome": "Sudah diangkut", "final_agency": "DLH"})
    feed = read_feed(service)
    mine = [c for c in feed if c["external_id"] == "feed-1"]
    assert [(c["kind"], c["agency"]) for c in mine] == [("routed", "DLH"), ("followed_up", "DLH"), ("resolved", "DLH")]
    assert mine[1]["text"] == "Diangkut besok pagi" and mine[2]["outcome"] == "Sudah diangkut"
    assert "internal note" not in json.dumps(feed) and "user" not in mine[0], "nothing internal"
    assert len({c["id"] for c in feed}) == len(feed), "each change once"

    assert service.call("GET", "/api/v1/changes", dlh)[0] == 403
    status, body = service.call("GET", "/api/v1/changes?limit=9999", sync)
    assert (status, body["error"]["code"]) == (422, "invalid_limit")
    cli = json.loads(triage(service.env, "changes", "--after", str(mine[0]["id"] - 1), "--limit", "500"))
    assert [c["kind"] for c in cli["items"] if c["external_id"] == "feed-1"] == ["routed", "followed_up", "resolved"]


def test_a_resolution_the_reporter_objects_to_is_reopened_for_the_same_agency(service):
    coordinator, dlh, auditor = (service.tokens[n] for n in ("koordinator", "dlh", "auditor"))
    _, created = ingest(service, "reopen-1", TRASH)
    path = f"/api/v1/complaints/{created['id']}"
    service.call("POST", path + "/decision", coordinator, {"category": "SAMPAH", "agency": "DLH",
                                                           "expected_revision": 0})
    service.call("POST", path + "/follow-up", dlh, {"text": "Diangkut besok pagi"})
    service.call("POST", path + "/resolution", dlh, {"outcome": "Sudah diangkut", "final_agency": "DLH"})
    objection = {"reason": "Pelapor: sampah belum diangkut sama sekali", "expected_revision": 3}
    for token, body, expected in [(dlh, objection, 403), (auditor, objection, 403),
                                  (coordinator, {**objection, "reason": " "}, 422),
                                  (coordinator, {**objection, "expected_revision": 2}, 409)]:
        status, answer = service.call("POST", path + "/reopen", token, body)
        assert status == expected, answer
    status, answer = service.call("POST", path + "/reopen", coordinator, objection)
    assert status == 200 and (answer["status"], answer["agency"], answer["revision"]) == ("routed", "DLH", 4)
    days_left = (datetime.fromisoformat(answer["due_at"]) - datetime.now(UTC)).days
    assert 58 <= days_left <= 61, "a fresh resolution period counted from the reopening"
    assert service.call("POST", path + "/reopen", coordinator, {**objection, "expected_revision": 4})[0] == 409

    _, detail = service.call("GET", path, dlh)
    assert (detail["status"], detail["agency"], detail["resolved_at"]) == ("routed", "DLH", None)
    assert detail["reopened_at"] and detail["responded_at"], "the agency's earlier response stands"
    assert detail["reopenings"][0]["reason"] == objection["reason"] and detail["reopenings"][0]["user"] == "koordinator"
    _, listing = service.call("GET", "/api/v1/complaints?status=routed&limit=200", dlh)
    assert created["id"] in {i["id"] for i in listing["items"]}, "back in the agency's queue"
    _, reopened = service.call("GET", "/api/v1/complaints?reopened=true&limit=200", coordinator)
    assert [i["id"] for i in reopened["items"]] == [created["id"]] and reopened["items"][0]["reopened_at"]
    status, body = service.download("/api/v1/complaints?format=csv&reopened=true", coordinator)
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert status == 200 and [r["id"] for r in rows] == [str(created["id"])] and rows[0]["reopened_at"]
    assert service.call("POST", path + "/resolution", dlh, {"outcome": "Diangkut tuntas",
                                                             "final_agency": "DLH"})[0] == 200

    _, unrouted = ingest(service, "reopen-2", WATER)
    other = f"/api/v1/complaints/{unrouted['id']}"
    service.call("POST", other + "/resolution", coordinator, {"outcome": "Sudah normal", "final_agency": "PDAM"})
    status, answer = service.call("POST", other + "/reopen", coordinator, {"reason": "Masih mati",
                                                                           "expected_revision": 1})
    assert (status, answer["status"], answer["agency"]) == (200, "pending_review", None), "never routed: review it"

    mine = [c for c in read_feed(service) if c["external_id"] == "reopen-1"]
    assert [c["kind"] for c in mine] == ["routed", "followed_up", "resolved", "reopened", "resolved"]
    assert [c["outcome"] for c in mine if c["kind"] == "resolved"] == ["Sudah diangkut", "Diangkut tuntas"]
    assert mine[3]["agency"] == "DLH" and objection["reason"] not in json.dumps(mine), "the reason stays internal"


def test_a_duplicate_report_is_closed_into_the_complaint_it_repeats(service):
    coordinator, dlh, auditor = (service.tokens[n] for n in ("koordinator", "dlh", "auditor"))
    received = "2025-04-07T08:00:00+07:00"
    ids = {key: ingest(service, key, ROAD, received_at=received)[1]["id"] for key in ("laporan-1", "laporan-2", "laporan-3")}
    merge = f"/api/v1/complaints/{ids['laporan-2']}/merge"
    for token, body, expected, code in [
            (dlh, {"into": ids["laporan-1"], "expected_revision": 0}, 403, "forbidden"),
            (auditor, {"into": ids["laporan-1"], "expected_revision": 0}, 403, "forbidden"),
            (coordinator, {"into": ids["laporan-2"], "expected_revision": 0}, 422, "invalid_into"),
            (coordinator, {"into": 10**9, "expected_revision": 0}, 422, "invalid_into"),
            (coordinator, {"into": ids["laporan-1"]}, 422, "invalid_expected_revision"),
            (coordinator, {"into": ids["laporan-1"], "expected_revision": 5}, 409, "conflict")]:
        status, answer = service.call("POST", merge, token, body)
        assert (status, answer["error"]["code"]) == (expected, code), answer
    status, answer = service.call("POST", merge, coordinator, {"into": ids["laporan-1"], "expected_revision": 0})
    assert status == 200 and (answer["status"], answer["duplicate_of"], answer["moved"]) == \
        ("duplicate", ids["laporan-1"], [])
    assert service.call("POST", merge, coordinator, {"into": ids["laporan-3"], "expected_revision": 1})[0] == 409
    status, answer = service.call("POST", f"/api/v1/complaints/{ids['laporan-3']}/merge", coordinator,
                                  {"into": ids["laporan-2"], "expected_revision": 0})
    assert (status, answer["error"]["code"]) == (422, "invalid_into") and str(ids["laporan-1"]) in answer["error"]["message"]
    assert service.call("POST", f"/api/v1/complaints/{ids['laporan-2']}/decision", coordinator,
                        {"category": "JALAN", "agency": "PUPR", "expected_revision": 1})[0] == 409, "closed"

    # the first report turns out to repeat the third: its own duplicate moves on with it
    status, answer = service.call("POST", f"/api/v1/complaints/{ids['laporan-1']}/merge", coordinator,
                                  {"into": ids["laporan-3"], "expected_revision": 0})
    assert status == 200 and answer["moved"] == [ids["laporan-2"]]
    _, detail = service.call("GET", f"/api/v1/complaints/{ids['laporan-3']}", coordinator)
    assert [d["id"] for d in detail["duplicates"]] == [ids["laporan-1"], ids["laporan-2"]]
    _, listing = service.call("GET", "/api/v1/complaints?status=duplicate&received_to=2025-04-07&limit=200",
                              coordinator)
    assert {(i["id"], i["duplicate_of"], i["overdue"], i["due_at"]) for i in listing["items"]} == \
        {(ids["laporan-1"], ids["laporan-3"], False, None), (ids["laporan-2"], ids["laporan-3"], False, None)}
    _, pending = service.call("GET", "/api/v1/complaints?received_to=2025-04-07&limit=200", coordinator)
    assert {i["id"]: i["duplicates"] for i in pending["items"]}[ids["laporan-3"]] == 2
    status, body = service.download("/api/v1/complaints?format=csv&status=duplicate&received_to=2025-04-07",
                                    coordinator)
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert {r["duplicate_of"] for r in rows} == {str(ids["laporan-3"])}

    unmerge = f"/api/v1/complaints/{ids['laporan-1']}/unmerge"
    assert service.call("POST", unmerge, auditor, {"expected_revision": 1})[0] == 403
    status, answer = service.call("POST", unmerge, coordinator, {"expected_revision": 1})
    assert status == 200 and answer["status"] == "pending_review"
    assert datetime.fromisoformat(answer["due_at"]) > datetime.now(UTC), "a fresh routing deadline"
    assert service.call("POST", unmerge, coordinator, {"expected_revision": 2})[0] == 409, "not a duplicate now"
    query = "/api/v1/stats/recap?received_from=2025-04-07&received_to=2025-04-07"
    _, report = service.call("GET", query, auditor)
    assert (report["total"]["received"], report["total"]["duplicate"], report["total"]["awaiting_review"]) == (3, 1, 2)

    feed = read_feed(service)
    kinds = {key: [(c["kind"], c.get("into_external_id")) for c in feed if c["external_id"] == key]
             for key in ids}
    assert kinds == {"laporan-1": [("merged", "laporan-3"), ("unmerged", None)],
                     "laporan-2": [("merged", "laporan-1"), ("merged", "laporan-3")], "laporan-3": []}


def test_two_crossing_merges_never_make_a_cycle(service):
    coordinator = service.tokens["koordinator"]
    for attempt in range(4):
        a, b = (ingest(service, f"silang-{attempt}-{k}", WATER)[1]["id"] for k in "ab")
        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(lambda pair: service.call("POST", f"/api/v1/complaints/{pair[0]}/merge",
                                                              coordinator, {"into": pair[1], "expected_revision": 0}),
                                    [(a, b), (b, a)]))
        assert sorted(status for status, _ in answers) == [200, 422], answers
        with service.engine.connect() as connection:
            rows = connection.execute(select(Complaint.id, Complaint.duplicate_of).where(Complaint.id.in_([a, b])))
            links = {i: d for i, d in rows}
        assert sorted(d is None for d in links.values()) == [False, True], f"exactly one duplicate: {links}"


def test_retention_purge_is_for_coordinators_and_checks_its_input(service):
    path, body = "/api/v1/retention/purge", {"older_than_days": 365, "dry_run": True}
    assert service.call("POST", path, service.tokens["auditor"], body)[0] == 403
    status, answer = service.call("POST", path, service.tokens["koordinator"], body)
    assert status == 200 and answer["dry_run"] is True and answer["complaints"] == 0
    for bad, code in (({"older_than_days": 5}, "invalid_older_than_days"),
                      ({"older_than_days": 365, "dry_run": "ya"}, "invalid_dry_run")):
        status, answer = service.call("POST", path, service.tokens["koordinator"], bad)
        assert (status, answer["error"]["code"]) == (422, code)


def test_list_filters_and_cursor_pagination(service):
    for i in range(5):
        ingest(service, f"page-{i}", TRASH, received_at=f"2026-01-0{i + 5}T09:00:00+07:00")
    token = service.tokens["koordinator"]
    seen, cursor = [], None
    while True:
        query = "/api/v1/complaints?limit=2&received_from=2026-01-01T00:00:00Z&received_to=2026-02-01T00:00:00Z"
        status, page = service.call("GET", query + (f"&cursor={cursor}" if cursor else ""), token)
        assert status == 200
        seen += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert [i["external_id"] for i in seen] == [f"page-{i}" for i in range(5)], "oldest due first"
    assert all(i["overdue"] for i in seen), "received in January, routing was due long ago"
    status, overdue = service.call("GET", "/api/v1/complaints?overdue=true&status=pending_review&limit=200", token)
    assert {f"page-{i}" for i in range(5)} <= {i["external_id"] for i in overdue["items"]}
    dated = "/api/v1/complaints?limit=200&received_from=2026-01-06&received_to=2026-01-08"
    assert [i["external_id"] for i in service.call("GET", dated, token)[1]["items"]] == [
        "page-1", "page-2", "page-3"], "dates are Asia/Jakarta days; the last day is included"
    assert service.call("GET", "/api/v1/complaints?status=nope", token)[0] == 422
    assert service.call("GET", "/api/v1/complaints?cursor=garbage", token)[0] == 422


def test_stats_acceptance_rates_match_a_scripted_scenario(service):
    # Fresh complaints decided by hand: 4 decisions on this model version, written out below.
    token = service.tokens["koordinator"]
    scenario = [("stat-1", ROAD, "JALAN", "PUPR"),          # top-1 accepted
                ("stat-2", TRASH, "SAMPAH", "DLH"),         # top-1 accepted
                ("stat-3", WATER, "AIR", "PDAM"),           # top-1 accepted
                ("stat-4", TRASH, "KESEHATAN", "BPJSKES")]  # corrected to an agency outside the top-3
    _, before = service.call("GET", "/api/v1/stats?fresh=true", token)
    for external_id, complaint_text, category, agency in scenario:
        _, created = ingest(service, external_id, complaint_text)
        top3 = [c["code"] for c in created["suggestion"]["agency_top"]]
        assert agency not in top3 if external_id == "stat-4" else top3[0] == agency
        service.call("POST", f"/api/v1/complaints/{created['id']}/decision", token,
                     {"category": category, "agency": agency, "expected_revision": 0})
    status, after = service.call("GET", "/api/v1/stats?fresh=true", token)
    assert status == 200 and after["max_age_seconds"] == 60 and after["computed_at"] >= before["computed_at"]
    version = created["suggestion"]["model_version"]
    old = before["model_versions"].get(version, {"decisions": 0})
    new = after["model_versions"][version]
    assert new["decisions"] - old["decisions"] == 4
    for share in ("accepted_top1", "accepted_top3"):  # stat-1..3 accepted; stat-4 outside the top-3
        accepted_before = round((old.get(share) or 0) * old["decisions"])
        assert round(new[share] * new["decisions"]) - accepted_before == 3, share
    assert after["total"] - before["total"] == 4
    assert new["per_agency"]["BPJSKES"]["accepted_top1"] == 0.0
    assert set(after["by_status"]) <= set(STATUSES)
    status, body = service.call("GET", "/api/v1/stats?fresh=perhaps", token)
    assert (status, body["error"]["code"]) == (422, "invalid_fresh")


def test_similar_lists_the_earlier_near_duplicate_with_its_routing(service):
    _, first = ingest(service, "dup-road-1", ROAD + " di RT 05")
    coordinator = service.tokens["koordinator"]
    service.call("POST", f"/api/v1/complaints/{first['id']}/decision", coordinator,
                 {"category": "JALAN", "agency": "PUPR", "expected_revision": 0})
    _, second = ingest(service, "dup-road-2", "Tolong, " + ROAD.lower() + " di RT 05!")
    status, body = service.call("GET", f"/api/v1/complaints/{second['id']}/similar", coordinator)
    assert status == 200
    best = body["items"][0]
    assert best["id"] == first["id"] and best["agency"] == "PUPR" and best["similarity"] > 0.5
    assert all(item["id"] != second["id"] for item in body["items"]), "never itself"
    status, body = service.call("GET", f"/api/v1/complaints/{first['id']}/similar", coordinator)
    assert all(item["id"] != second["id"] for item in body["items"]), "only earlier complaints"


def test_bulk_accept_dry_run_then_routes_only_eligible_complaints(service):
    token = service.tokens["koordinator"]
    _, items = service.call("POST", "/api/v1/complaints", service.tokens["integrasi"],
                            [{"external_id": f"bulk-{i}", "text": text} for i, text in enumerate([TRASH, WATER, ROAD])])
    ids = [item["id"] for item in items]
    status, plan = service.call("POST", "/api/v1/complaints/bulk-accept", token,
                                {"ids": ids, "threshold": 0.0, "dry_run": True})
    assert status == 200 and plan["eligible"] == ids and 0 <= plan["expected_error_rate"] <= 1
    assert count(service, Decision, Decision.complaint_id.in_(ids)) == 0, "a dry run stores nothing"
    service.call("POST", f"/api/v1/complaints/{ids[0]}/decision", token,
                 {"category": "SAMPAH", "agency": "DLH", "expected_revision": 0})
    status, result = service.call("POST", "/api/v1/complaints/bulk-accept", token, {"ids": ids, "threshold": 0.0})
    assert status == 200 and result["accepted"] == ids[1:]
    assert result["skipped"] == [{"id": ids[0], "reason": "not_awaiting_review"}]
    bulk = count(service, Decision, Decision.complaint_id.in_(ids), Decision.bulk.is_(True))
    assert bulk == 2
    status, result = service.call("POST", "/api/v1/complaints/bulk-accept", token, {"ids": [], "threshold": 0.5})
    assert (status, result["error"]["code"]) == (422, "invalid_ids")
    status, result = service.call("POST", "/api/v1/complaints/bulk-accept", token, {"ids": ids, "threshold": 2})
    assert (status, result["error"]["code"]) == (422, "invalid_threshold")
    assert service.call("POST", "/api/v1/complaints/bulk-accept", service.tokens["auditor"],
                        {"ids": ids, "threshold": 0.5})[0] == 403


def test_models_listing_and_activation_are_role_checked(service):
    status, listing = service.call("GET", "/api/v1/models", service.tokens["auditor"])
    assert status == 200 and listing["registry"] is True and listing["rollback_to"] is None
    [active] = [v for v in listing["versions"] if v["active"]]
    assert active["metrics"]["agency"]["accuracy"] > 0.5
    assert service.call("POST", f"/api/v1/models/{active['version']}/activate", service.tokens["auditor"])[0] == 403
    status, body = service.call("POST", "/api/v1/models/nope/activate", service.tokens["koordinator"])
    assert (status, body["error"]["code"]) == (409, "model_refused")
    status, body = service.call("POST", f"/api/v1/models/{active['version']}/activate", service.tokens["koordinator"])
    assert status == 200 and body["active"] == active["version"]
    assert count(service, AuditEvent, AuditEvent.action == "model.activated") == 1


def test_audit_trail_filters_pages_and_exports_for_auditors_only(service):
    _, created = ingest(service, "audit-1", WATER)
    decision = {"category": "AIR", "agency": "PDAM", "expected_revision": 0}
    assert service.call("POST", f"/api/v1/complaints/{created['id']}/decision", service.tokens["koordinator"],
                        decision)[0] == 200
    auditor = service.tokens["auditor"]
    status, trail = service.call("GET", f"/api/v1/audit?complaint_id={created['id']}", auditor)
    assert status == 200 and trail["next_cursor"] is None
    assert [(e["action"], e["user"]) for e in trail["items"]] == [
        ("complaint.decided", "koordinator"), ("complaint.ingested", "integrasi")], "newest first, with names"
    status, detail = service.call("GET", f"/api/v1/complaints/{created['id']}", auditor)
    assert [e["user"] for e in detail["audit"]] == ["integrasi", "koordinator"]

    more = [{"external_id": f"audit-more-{i}", "text": f"{TRASH} (laporan ke-{i})"} for i in range(5)]
    assert service.call("POST", "/api/v1/complaints", service.tokens["integrasi"], more)[0] == 201
    seen, cursor = [], None
    for _ in range(3):  # pages of two complaint events
        status, page = service.call("GET", "/api/v1/audit?action=complaint&limit=2"
                                    + (f"&cursor={cursor}" if cursor else ""), auditor)
        assert status == 200 and len(page["items"]) == 2 and page["next_cursor"]
        assert all(e["action"].startswith("complaint.") for e in page["items"])
        seen += [e["id"] for e in page["items"]]
        cursor = page["next_cursor"]
    assert seen == sorted(seen, reverse=True) and len(set(seen)) == 6, "pages follow on without overlap"

    status, users = service.call("GET", "/api/v1/audit?action=user&user=dlh", auditor)
    assert [(e["action"], e["detail"]["agency"]) for e in users["items"]] == [("user.created", "DLH")]

    today = datetime.now(LOCAL).date().isoformat()
    query = f"/api/v1/audit?complaint_id={created['id']}&since={today}"
    assert len(service.call("GET", f"{query}&until={today}", auditor)[1]["items"]) == 2, "a date includes its day"
    assert service.call("GET", f"{query}&until={today}T00:00:00", auditor)[1]["items"] == []

    status, body = service.download(f"/api/v1/audit?format=csv&complaint_id={created['id']}", auditor)
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert status == 200 and [r["action"] for r in rows] == ["complaint.decided", "complaint.ingested"]
    assert json.loads(rows[0]["detail"])["agency"] == "PDAM"

    for token in ("dlh", "integrasi"):
        assert service.call("GET", "/api/v1/audit", service.tokens[token])[0] == 403
        assert service.download("/api/v1/audit?format=csv", service.tokens[token])[0] == 403
    for query, code in (("since=kemarin", "invalid_since"), ("cursor=abc", "invalid_cursor"),
                        ("complaint_id=-3", "invalid_complaint_id"), ("limit=500", "invalid_limit")):
        status, body = service.call("GET", f"/api/v1/audit?{query}", auditor)
        assert (status, body["error"]["code"]) == (422, code), query
    status, body = service.download("/api/v1/audit?format=csv&until=besok", auditor)
    assert status == 422 and json.loads(body)["error"]["code"] == "invalid_until", "checked before streaming"


def test_access_log_lines_are_json_without_complaint_text(service):
    with service.engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1
    # The log is checked when the server stops (module teardown would lose it), so stop a second server.
    probe = Service(service.env, workers=1)
    probe.call("POST", "/api/v1/suggest", service.tokens["integrasi"], {"text": TRASH})
    lines = [json.loads(line) for line in probe.stop().splitlines() if line.startswith("{")]
    request = next(line for line in lines if line["path"] == "/api/v1/suggest")
    assert request["status"] == 200 and request["method"] == "POST" and request["user_id"]
    assert "duration_ms" in request
    assert not any("Sampah" in json.dumps(line) for line in lines)


def test_complaints_export_as_csv_respects_roles_and_hides_reporters(service):
    text = "=HYPERLINK(\"http://x\") sampah di TPS pasar menumpuk sudah seminggu tidak diangkut, bau sekali"
    exports_before = count(service, AuditEvent, AuditEvent.action == "queue.exported")
    _, created = ingest(service, "export-1", text, reporter="Pelapor Rahasia", district="Kota Lama")
    assert created["suggestion"]["agency_top"][0]["code"] == "DLH"
    status, body = service.download("/api/v1/complaints?format=csv&district=Kota%20Lama&q=TPS%20pasar",
                                    service.tokens["koordinator"])
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert status == 200 and [r["external_id"] for r in rows] == ["export-1"]
    assert rows[0]["text"].startswith("'=HYPERLINK"), "a formula in a complaint stays text in a spreadsheet"
    assert rows[0]["suggested_agency"] == "DLH" and rows[0]["status"] == "pending_review"
    assert b"Pelapor Rahasia" not in body and "reporter" not in rows[0], "exports never carry the reporter"

    everything = list(csv.DictReader(io.StringIO(service.download("/api/v1/complaints?format=csv",
                                                                  service.tokens["dlh"])[1].decode())))
    assert everything and {r["agency"] or r["suggested_agency"] for r in everything} == {"DLH"}, "own agency only"
    status, body = service.download("/api/v1/complaints?format=csv&status=bogus", service.tokens["koordinator"])
    assert status == 422 and json.loads(body)["error"]["code"] == "invalid_status", "checked before streaming"
    assert service.download("/api/v1/complaints?format=csv", service.tokens["integrasi"])[0] == 403
    assert count(service, AuditEvent, AuditEvent.action == "queue.exported") == exports_before + 2, \
        "each export is audited"


def test_period_recap_counts_where_complaints_stand(service):
    admin, received = service.tokens["koordinator"], "2025-03-03T09:00:00+07:00"
    ids = {key: ingest(service, key, text, received_at=received)[1]["id"]
           for key, text in (("recap-1", ROAD), ("recap-2", TRASH), ("recap-3", WATER))}
    for key, category, agency in (("recap-1", "JALAN", "PUPR"), ("recap-2", "SAMPAH", "DLH")):
        status, _ = service.call("POST", f"/api/v1/complaints/{ids[key]}/decision", admin,
                                 {"category": category, "agency": agency, "expected_revision": 0})
        assert status == 200
    road = f"/api/v1/complaints/{ids['recap-1']}"  # resolved, reopened on the reporter's objection, resolved again
    for path, body in ((road + "/resolution", {"outcome": "jalan ditambal", "final_agency": "PUPR"}),
                       (road + "/reopen", {"reason": "pelapor: lubang masih ada", "expected_revision": 2}),
                       (road + "/resolution", {"outcome": "jalan ditambal ulang", "final_agency": "PUPR"})):
        assert service.call("POST", path, admin, body)[0] == 200
    trash = f"/api/v1/complaints/{ids['recap-2']}"  # DLH hands it back; the coordinator sends it to DLH again
    assert service.call("POST", trash + "/return", service.tokens["dlh"],
                        {"reason": "lokasi di luar wilayah", "expected_revision": 1})[0] == 200
    assert service.call("POST", trash + "/decision", admin, {"category": "SAMPAH", "agency": "DLH",
                                                             "expected_revision": 2})[0] == 200
    query = "/api/v1/stats/recap?received_from=2025-03-03&received_to=2025-03-03"
    status, report = service.call("GET", query, service.tokens["auditor"])
    assert status == 200
    assert report["total"] | {"median_hours_to_route": None, "median_days_to_resolve": None} == {
        "received": 3, "awaiting_review": 1, "routed": 1, "resolved": 1, "duplicate": 0, "routed_late": 2,
        "unrouted_overdue": 1,
        "responded_late": 0, "unanswered_overdue": 1, "handed_back": 1, "reopened": 1, "median_hours_to_route": None,
        "median_days_to_resolve": None}, "routed today: long after the SOP deadline"
    assert report["total"]["median_days_to_resolve"] > 365
    by_agency = {row["agency"]: row for row in report["agencies"]}
    assert by_agency["PUPR"]["resolved"] == 1 and by_agency["DLH"]["routed"] == 1
    assert by_agency["DLH"]["handed_back"] == 1 and by_agency["PUPR"]["handed_back"] == 0
    assert by_agency["PUPR"]["reopened"] == 1 and by_agency["DLH"]["reopened"] == 0
    assert by_agency["DLH"]["unanswered_overdue"] == 1, "routed, never answered, its response deadline long past"
    assert by_agency["PDAM"]["awaiting_review"] == 1 and by_agency["PDAM"]["agency_name"] != "PDAM"
    status, body = service.download(query + "&format=csv", service.tokens["auditor"])
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert status == 200 and rows[-1]["agency"] == "TOTAL" and rows[-1]["received"] == "3"
    status, again = service.call("GET", query + "&fresh=true", service.tokens["auditor"])
    assert status == 200 and again["total"] == report["total"] and again["computed_at"] >= report["computed_at"]
    assert service.call("GET", query, service.tokens["dlh"])[0] == 403
    status, body = service.call("GET", "/api/v1/stats/recap?received_from=kemarin", admin)
    assert (status, body["error"]["code"]) == (422, "invalid_received_from")


def test_search_finds_a_complaint_by_its_number_or_tracking_id(service):
    _, created = ingest(service, "LAPOR-2025-004711", ROAD)
    number = created["id"]
    coordinator = service.tokens["koordinator"]
    for q in ("LAPOR-2025-004711", f"%23{number}", str(number)):
        status, body = service.call("GET", f"/api/v1/complaints?q={q}", coordinator)
        assert status == 200 and number in [c["id"] for c in body["items"]], q
    status, body = service.call("GET", "/api/v1/complaints?q=LAPOR-2025-00471", coordinator)
    assert number not in [c["id"] for c in body["items"]], "a tracking id matches whole, not as a prefix"
    assert created["suggestion"]["agency_top"][0]["code"] != "DLH"
    _, body = service.call("GET", "/api/v1/complaints?q=LAPOR-2025-004711", service.tokens["dlh"])
    assert body["items"] == [], "an agency liaison finds only what it may see"


def _scrape(service, token: str) -> dict[str, float]:
    """`GET /metrics` as {'name{labels}': value}."""
    status, body = service.download("/metrics", token)
    assert status == 200, body[:300]
    return {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
            for line in body.decode().splitlines() if line and not line.startswith("#")}


def test_metrics_count_every_workers_requests_and_read_the_queue(service):
    """Three gunicorn workers answer; the scrape, whichever worker takes it, sums what all of them counted."""
    token, healthz = service.tokens["integrasi"], 'triage_http_requests_total{method="GET",route="/healthz",status="200"}'
    before = _scrape(service, token).get(healthz, 0)
    with ThreadPoolExecutor(6) as pool:  # at the same time, so that more than one worker answers
        assert set(pool.map(lambda _: service.call("GET", "/healthz")[0], range(60))) == {200}
    ingest(service, "metrics-1", TRASH)
    scraped = _scrape(service, service.tokens["auditor"])
    assert scraped[healthz] - before == 60
    assert scraped['triage_http_request_duration_seconds_count{method="GET",route="/healthz"}'] >= 60
    assert any(key.startswith('triage_http_requests_total{method="POST",route="/api/v1/complaints"') for key in scraped)
    assert not any("metrics-1" in key for key in scraped), "routes are rules, never paths or ids"
    for status in STATUSES:
        stored = count(service, Complaint, Complaint.status == status)
        assert scraped.get(f'triage_complaints{{status="{status}"}}', 0) == stored, status
    assert sum(v for k, v in scraped.items() if k.startswith("triage_model_info{")) == 1
    assert service.call("FOOBAR", "/healthz")[0] == 405
    assert 'triage_http_requests_total{method="OTHER",route="(none)",status="405"}' in _scrape(service, token)
    assert service.call("GET", "/metrics")[0] == 401
    status, refused = service.call("GET", "/metrics", service.tokens["dlh"])
    assert (status, refused["error"]["code"]) == (403, "forbidden")
