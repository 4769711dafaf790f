"""Whatever a client sends, the service answers with a clear error or does the work: never a server error. Random
JSON bodies, query strings and form fields (hypothesis) against the JSON API and the pages of the real server, on a
SQLite file and on PostgreSQL, whose limits differ (32-bit integers, no NUL character in text); and the cases found
that way."""

import urllib.parse

import pytest
from http_service import PASSWORD, Browserless, Service, set_password, triage
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

HUGE = 10**20
FIELDS = ["text", "external_id", "district", "channel", "received_at", "reporter", "category", "agency",
          "misinformation", "note", "expected_revision", "hoax_id", "into", "reason", "outcome", "final_agency", "ids",
          "threshold", "claim", "verdict", "url", "username", "role", "password"]
PARAMS = ["status", "agency", "category", "district", "q", "limit", "cursor", "offset", "after", "received_from",
          "received_to", "since", "until", "action", "user", "complaint_id", "flagged", "overdue", "fresh", "verdict",
          "baru", "ids", "ambang", "next"]
ODD_TEXT = ["", "0", "-1", str(HUGE), "²", "#²", "５", "\x00", "a\x00b", "2026-13-01", "true", "x" * 300, "#1", "1,5"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-HUGE, HUGE), st.floats(allow_nan=False),
                    st.text(max_size=20), st.sampled_from(ODD_TEXT + ["DLH", "SAMPAH", "2026-01-01", "\ud800 x"]))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.sampled_from(FIELDS), inner, max_size=4), max_leaves=8)
bodies = json_values | st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6)
query_values = st.text(max_size=15) | st.sampled_from(ODD_TEXT)
queries = st.dictionaries(st.sampled_from(PARAMS), query_values, max_size=4)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


@pytest.fixture(scope="module")
def server(model_registry, module_database_url, tmp_path_factory):
    work = tmp_path_factory.mktemp("bad-input")  # the catalogue the fuzz grows stays out of other tests' way
    env = {"TRIAGE_MODELS_DIR": str(model_registry), "TRIAGE_DATABASE_URL": module_database_url,
           "TRIAGE_HOAX_INDEX": str(work / "hoax_index.joblib"), "TRIAGE_JOBS_DIR": str(work / "jobs")}
    tokens = {role: triage(env, "users", "add", f"fuzz-{role}", "--role", role, *(["--agency", "DLH"] if role == "agency"
                                                                                  else []))
              for role in ("coordinator", "agency", "auditor")}
    set_password(env, "fuzz-coordinator", PASSWORD)
    service = Service(env)
    service.tokens = tokens
    status, body = service.call("POST", "/api/v1/complaints", tokens["coordinator"],
                                {"external_id": "fuzz-1", "text": "Sampah menumpuk di pinggir jalan sudah seminggu."})
    assert status == 201, body
    service.complaint = body["items"][0]["id"] if "items" in body else body["id"]
    yield service
    service.stop()


def _get(server, path: str, token: str, query: dict | None = None) -> tuple[int, dict]:
    return server.call("GET", path + ("?" + urllib.parse.urlencode(query) if query else ""), token)


def _clear(status: int, body) -> bool:
    """A success, or a client error with a machine-readable code and a message."""
    return status < 400 or (status < 500 and isinstance(body, dict)
                            and bool(body.get("error", {}).get("code")) and bool(body["error"].get("message")))


def test_random_json_bodies_get_an_answer_or_a_clear_error(server):
    n = server.complaint
    paths = [f"/api/v1/complaints/{n}/{action}" for action in
             ("decision", "hoax", "follow-up", "return", "resolution", "reopen", "merge", "unmerge")]
    paths += ["/api/v1/suggest", "/api/v1/complaints", "/api/v1/complaints/bulk-accept", "/api/v1/hoaxes",
              "/api/v1/users", f"/api/v1/complaints/{HUGE}/decision"]

    @FUZZ
    @given(st.sampled_from(paths), bodies, st.sampled_from(sorted(server.tokens)))
    def post(path, body, role):
        status, answer = server.call("POST", path, server.tokens[role], body)
        assert _clear(status, answer), (path, body, status, answer)

    post()


def test_random_query_strings_get_an_answer_or_a_clear_error(server):
    n = server.complaint
    paths = ["/api/v1/complaints", "/api/v1/audit", "/api/v1/stats/recap", "/api/v1/changes", "/api/v1/hoaxes",
             "/api/v1/jobs", "/api/v1/users", f"/api/v1/complaints/{n}", f"/api/v1/complaints/{HUGE}",
             f"/api/v1/complaints/{HUGE}/similar", f"/api/v1/hoaxes/{HUGE}"]

    @FUZZ
    @given(st.sampled_from(paths), queries, st.sampled_from(sorted(server.tokens)))
    def get(path, query, role):
        status, answer = _get(server, path, server.tokens[role], query)
        assert _clear(status, answer), (path, query, status, answer)

    get()


def test_pages_never_fail_on_odd_query_strings_or_forms(server):
    browser, n = Browserless(server.base), server.complaint
    assert browser.login("fuzz-coordinator")[0] == 302
    token = browser.csrf(f"/pengaduan/{n}")
    pages = ["/antrean", f"/pengaduan/{n}", "/audit", "/rekap", "/dasbor", "/katalog-hoaks", "/pengguna",
             "/setujui-massal", "/antrean/unduh"]
    forms = [f"/pengaduan/{n}/{action}" for action in
             ("keputusan", "tindak-lanjut", "selesai", "gabung", "pisahkan", "buka-kembali")] + ["/pengaduan/baru"]

    def with_query(path: str, query: dict) -> str:
        return path + ("?" + urllib.parse.urlencode(query) if query else "")

    @FUZZ
    @given(st.sampled_from(pages), queries)
    def page(path, query):
        assert browser.request("GET", with_query(path, query))[0] < 500, (path, query)

    @FUZZ
    @given(st.sampled_from(forms), st.dictionaries(st.sampled_from(FIELDS), query_values, max_size=6), queries)
    def form(path, fields, query):
        status = browser.request("POST", with_query(path, query), {**fields, "csrf_token": token})[0]
        assert status < 500, (path, fields, query)

    page()
    form()


@pytest.mark.parametrize("path,body,code", [
    ("decision", {"category": "SAMPAH", "agency": "DLH", "expected_revision": HUGE}, "invalid_expected_revision"),
    ("merge", {"into": HUGE, "expected_revision": 0}, "invalid_into"),
    ("decision", {"category": "SAMPAH", "agency": "DLH", "expected_revision": 0, "misinformation": True,
                  "hoax_id": HUGE}, "invalid_hoax_id"),
])
def test_numbers_no_database_column_holds_are_refused_by_name(server, path, body, code):
    status, answer = server.call("POST", f"/api/v1/complaints/{server.complaint}/{path}", server.tokens["coordinator"],
                                 body)
    assert (status, answer["error"]["code"]) == (422, code)


@pytest.mark.parametrize("raw,status,code", [
    (b"[" * 100_000, 400, "invalid_json"),
    (b'{"text": ' + b"[" * 50_000 + b"]" * 50_000 + b"}", 400, "invalid_json"),
])
def test_json_nested_too_deeply_is_refused(server, raw, status, code):
    answer = server.call("POST", "/api/v1/suggest", server.tokens["coordinator"], raw=raw)
    assert (answer[0], answer[1]["error"]["code"]) == (status, code)


def test_a_lone_surrogate_escape_is_replaced_and_the_complaint_accepted(server):
    raw = b'{"external_id": "fuzz-surrogate", "text": "\\ud800 Jalan berlubang di depan sekolah"}'
    status, body = server.call("POST", "/api/v1/complaints", server.tokens["coordinator"], raw=raw)
    assert status == 201, body
    item = body["items"][0] if "items" in body else body
    stored = _get(server, f"/api/v1/complaints/{item['id']}", server.tokens["coordinator"])[1]
    assert stored["text"] == "\ufffd Jalan berlubang di depan sekolah"


def test_a_catalogue_entry_whose_claim_is_not_text_is_refused(server):
    status, answer = server.call("POST", "/api/v1/hoaxes", server.tokens["coordinator"], {"text": [None]})
    assert (status, answer["error"]["code"]) == (422, "invalid_entry") and "must be text" in answer["error"]["message"]


def test_lookalike_digits_and_huge_ids_are_refused_or_not_found(server):
    token = server.tokens["coordinator"]
    assert _get(server, "/api/v1/audit", token, {"cursor": "²"})[1]["error"]["code"] == "invalid_cursor"
    assert _get(server, "/api/v1/jobs", token, {"limit": "²"})[1]["error"]["code"] == "invalid_limit"
    assert _get(server, "/api/v1/changes", token, {"after": str(HUGE)})[1]["error"]["code"] == "invalid_after"
    assert _get(server, "/api/v1/complaints", token, {"q": "#²"})[0] == 200, "a search, not a number"
    assert _get(server, f"/api/v1/complaints/{HUGE}", token)[0] == 404


def test_a_nul_character_is_dropped_and_the_complaint_accepted(server):
    token = server.tokens["coordinator"]
    status, body = server.call("POST", "/api/v1/complaints", token, {
        "external_id": "fuzz-nul", "text": "Lampu jalan\x00 mati di gang tiga", "district": "Kota\x00"})
    assert status == 201, body
    item = body["items"][0] if "items" in body else body
    status, stored = _get(server, f"/api/v1/complaints/{item['id']}", token)
    assert stored["text"] == "Lampu jalan mati di gang tiga" and stored["district"] == "Kota"
    status, found = _get(server, "/api/v1/complaints", token, {"q": "jalan\x00 mati"})
    assert status == 200 and [c["id"] for c in found["items"]] == [item["id"]], "searched as the text was stored"
