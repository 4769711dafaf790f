"""Server time of the admin pages with 50,000 complaints in the database (SQLite file, and the machine's
PostgreSQL when it answers), against each page's JSON twin measured in the same run.

Complaints are the project's own seed corpus (data/), scored once by the active model and repeated with
new ids over the last 16 weeks: 70 % decided (some corrected, some bulk), 10 % resolved, the rest waiting.
Timing is in-process through the WSGI app (Flask test client): what the server spends, without network. The
dashboard and the recap are reused for a minute per process: their `baru=1` / `fresh=true` rows are what the first
request after that costs.

    python bench/pages.py [--rows 50000] [--repeat 15] [--copies 1]

`--copies 20` repeats the complaints 20 times in SQL (new ids; suggestions and decisions are not repeated) to see
the pages at 1,000,000 complaints, 200,000 of them awaiting review.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import tempfile
import time
import uuid
import warnings
from datetime import timedelta
from pathlib import Path

import pandas as pd
from common import ROOT
from sqlalchemy import insert, text

from triage import deadlines, registry
from triage.accounts import add_user, set_password
from triage.model import TriageModel
from triage.store.db import open_database
from triage.store.tables import Complaint, Decision, Suggestion, utcnow
from triage.text import mask_pii

POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
PASSWORD = "bench-password-123"


def fill(url: str, rows: int, model: TriageModel) -> None:
    """`rows` complaints with suggestions and decisions, inserted in bulk."""
    seed = pd.read_csv(ROOT / "data" / "seed_complaints.csv", dtype=str, keep_default_na=False).text.tolist()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scored = model.suggest_many(seed, explain=True)
    _, sessions = open_database(url)
    rng = random.Random(7)
    now = utcnow()
    with sessions.begin() as session:
        user, _ = add_user(session, "admin", "coordinator")
        set_password(session, "admin", PASSWORD)
    complaints, suggestions, decisions = [], [], []
    for i in range(1, rows + 1):
        k = rng.randrange(len(seed))
        s = scored[k]
        received = now - timedelta(minutes=rng.randrange(16 * 7 * 24 * 60))
        roll = rng.random()
        status = "pending_review" if roll < 0.2 else "routed" if roll < 0.9 else "resolved"
        if status == "pending_review" and s["misinformation"]["flag"]:
            status = "needs_verification"
        top_a, top_c = s["agency_top"][0]["code"], s["category_top"][0]["code"]
        decided = status in ("routed", "resolved")
        agency = (top_a if rng.random() < 0.8 else rng.choice(s["agency_top"])["code"]) if decided else None
        complaints.append({"id": i, "external_id": f"B-{i}", "channel": "web", "district": None,
                           "text_masked": mask_pii(seed[k]), "text_original": seed[k], "reporter": None,
                           "reporter_confidential": True, "status": status, "received_at": received,
                           "created_at": received, "routed_at": received if decided else None,
                           "resolved_at": received if status == "resolved" else None,
                           "due_at": None if status == "resolved" else deadlines.routing_due(received),
                           "routing_due_at": deadlines.routing_due(received),
                           "response_due_at": deadlines.response_due(received, received) if decided else None,
                           "category": top_c if decided else None, "agency": agency,
                           "misinformation": False if decided else None, "suggested_agency": top_a,
                           "suggested_category": top_c, "flagged": bool(s["misinformation"]["flag"]), "revision": int(decided)})
        suggestions.append({"id": i, "complaint_id": i, "model_version": model.version, "created_at": received,
                            "category_top": s["category_top"], "agency_top": s["agency_top"],
                            "top_agency_probability": s["agency_top"][0]["probability"],
                            "misinformation_score": s["misinformation"]["score"],
                            "misinformation_flag": bool(s["misinformation"]["flag"]),
                            "misinformation_reasons": s["misinformation"]["reasons"],
                            "needs_review": bool(s["needs_review"]), "explanation": s["explanation"]})
        if decided:
            decisions.append({"complaint_id": i, "user_id": user.id, "suggestion_id": i, "decided_at": received,
                              "category": top_c, "agency": agency, "misinformation": False,
                              "matched_top1": agency == top_a, "matched_top3": True, "bulk": rng.random() < 0.1,
                              "note": None, "revision": 1})
    with sessions.begin() as session:
        for table, data in ((Complaint, complaints), (Suggestion, suggestions), (Decision, decisions)):
            for start in range(0, len(data), 5000):
                session.execute(insert(table), data[start:start + 5000])
    if url.startswith("postgresql"):
        with sessions.begin() as session:
            session.execute(text("ANALYZE"))


def repeat_complaints(url: str, rows: int, copies: int) -> None:
    """The `rows` complaints `copies` times in all, each copy with new ids and external ids; then, on PostgreSQL,
    the statistics and visibility map autovacuum keeps on a live database."""
    if copies <= 1:
        return
    engine, _ = open_database(url)
    columns = [c.name for c in Complaint.__table__.columns if c.name not in ("id", "external_id")]
    with engine.begin() as connection:
        for k in range(1, copies):
            connection.execute(text(f"INSERT INTO complaints (id, external_id, {', '.join(columns)}) "
                                    f"SELECT id + {k * rows}, external_id || '-{k}', {', '.join(columns)} "
                                    f"FROM complaints WHERE id <= {rows}"))
    if url.startswith("postgresql"):
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def measure(url: str, repeat: int) -> None:
    from triage.web import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})  # the registry (models/), as served
    client = app.test_client()
    page = client.get("/masuk").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/masuk", data={"username": "admin", "password": PASSWORD, "csrf_token": token}).status_code == 302
    with app.extensions["triage"].sessions.begin() as session:
        _, api_token = add_user(session, "bench-api", "coordinator")
    auth = {"Authorization": f"Bearer {api_token}"}
    queue = client.get("/api/v1/complaints?status=pending_review&limit=50", headers=auth).json["items"]
    pending = queue[0]["id"]
    ids = "&".join(f"ids={c['id']}" for c in queue)
    pages = [("/antrean", "/api/v1/complaints?status=pending_review,needs_verification"),
             ("/antrean?q=sampah", "/api/v1/complaints?status=pending_review,needs_verification&q=sampah"),
             ("/antrean?q=tidakadayangcocok", "/api/v1/complaints?q=tidakadayangcocok"),  # matches nothing
             ("/antrean?status=routed&agency=DLH", "/api/v1/complaints?status=routed&agency=DLH"),
             (f"/pengaduan/{pending}", f"/api/v1/complaints/{pending}"),
             (f"/setujui-massal?{ids}&ambang=0.9", None),
             ("/dasbor", "/api/v1/stats"),  # figures reused for TRIAGE_STATS_CACHE_SECONDS
             ("/dasbor?baru=1", "/api/v1/stats?fresh=true"),  # computed: the first request after they expire
             ("/rekap", "/api/v1/stats/recap"),  # this year: every complaint of the bench; reused like the dashboard
             ("/rekap?baru=1", "/api/v1/stats/recap?fresh=true"),
             ("/model", "/api/v1/models")]
    print(f"{'page':45s} {'median ms':>10s} {'p95 ms':>8s} {'JSON twin ms':>13s} {'ratio':>6s}")
    for path, twin in pages:
        page_ms = _time(lambda p=path: client.get(p), repeat)
        twin_ms = _time(lambda t=twin: client.get(t, headers=auth), repeat) if twin else None
        med = statistics.median(page_ms)
        p95 = sorted(page_ms)[int(0.95 * (len(page_ms) - 1))]
        twin_med = statistics.median(twin_ms) if twin_ms else None
        print(f"{path[:45]:45s} {med:10.1f} {p95:8.1f} {twin_med or float('nan'):13.1f} "
              f"{(med / twin_med) if twin_med else float('nan'):6.2f}" + ("   OVER 300 ms" if p95 > 300 else ""))
    similar_ms = _time(lambda: client.get(f"/api/v1/complaints/{pending}/similar", headers=auth), repeat)
    print(f"{'(similar complaints alone, JSON)':45s} {statistics.median(similar_ms):10.1f}")


def _time(call, repeat: int) -> list[float]:
    response = call()
    assert response.status_code == 200, (response.status_code, response.text[:300])
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--copies", type=int, default=1, help="complaints repeated this many times in all")
    args = parser.parse_args()
    model = TriageModel.load(registry.active_dir())
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        started = time.perf_counter()
        fill(url, args.rows, model)
        repeat_complaints(url, args.rows, args.copies)
        print(f"SQLite: {args.rows * args.copies:,} complaints inserted in {time.perf_counter() - started:.0f} s")
        measure(url, args.repeat)
    try:
        import psycopg

        admin = psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=3)
    except Exception as exc:  # noqa: BLE001
        print(f"SKIP PostgreSQL: {exc}")
        return
    name = f"triage_bench_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
        fill(url, args.rows, model)
        repeat_complaints(url, args.rows, args.copies)
        print(f"\nPostgreSQL: {args.rows * args.copies:,} complaints")
        measure(url, args.repeat)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
