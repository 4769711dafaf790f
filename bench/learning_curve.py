"""Learning from admins' decisions, replayed: Surabaya 2022 month by month through the real service and
`triage retrain`.

Starting from the seed model, each month's complaints are ingested (scored by the active model, which gives
that month's figures), then decided with their true agency as if admins confirmed it (decision times moved to
the day after receipt), then `retrain` runs with a 14-day holdout and its gate. The final line compares
Oct–Dec accuracy of the replayed models with a model trained directly on Jan–Sep (target: within 2 points).

    python bench/learning_curve.py [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

import pandas as pd
from common import ROOT, Timer, dataset

MONTHS = [f"2022-{m:02d}" for m in range(1, 13)]
LATE = MONTHS[9:]  # Oct–Dec
OTHER_TOPIC = "(tanpa topik)"  # operators left some topics empty; a decision needs one


def extended_data_dir(frame: pd.DataFrame, into: Path) -> Path:
    """A copy of data/ whose taxonomy also lists the Surabaya offices and topics, so admins may choose them."""
    shutil.copytree(ROOT / "data", into)
    taxonomy = pd.read_csv(into / "taxonomy.csv", dtype=str, keep_default_na=False)
    topics = frame.assign(category=frame.category.replace("", OTHER_TOPIC))
    routing = topics.groupby("category").agency.agg(lambda a: a.value_counts().index[0])
    extra = [{"kind": "agency", "code": code, "name": code, "description": "Surabaya 2022", "default_agency": "",
              "level": "daerah"} for code in sorted(set(frame.agency) - set(taxonomy.code))]
    extra += [{"kind": "category", "code": code, "name": code, "description": "Surabaya 2022",
               "default_agency": agency, "level": ""} for code, agency in routing.items() if code not in set(taxonomy.code)]
    pd.concat([taxonomy, pd.DataFrame(extra)]).to_csv(into / "taxonomy.csv", index=False)
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary directory")
    args = parser.parse_args()
    frame = pd.read_csv(dataset("surabaya/complaints_2022.csv"), dtype=str, keep_default_na=False)
    frame = frame[(frame.text.str.strip() != "") & (frame.agency != "")]
    frame["month"] = frame.created_at.str[:7]
    work = Path(tempfile.mkdtemp(prefix="learning-curve-"))
    os.environ["TRIAGE_DATA_DIR"] = str(extended_data_dir(frame, work / "data"))
    os.environ["TRIAGE_MODELS_DIR"] = str(work / "models")
    warnings.simplefilter("ignore")

    from sqlalchemy import select, update

    from training.gate import score_holdout
    from training.retrain import retrain
    from training.train import ensure_default
    from triage import registry
    from triage.accounts import add_user
    from triage.complaints import ComplaintService
    from triage.model import TriageModel
    from triage.service import SuggestionService
    from triage.store.db import open_database
    from triage.store.tables import Complaint, Decision

    ensure_default()
    _, sessions = open_database(args.database_url or f"sqlite:///{work / 'triage.db'}")
    with sessions.begin() as session:
        admin, _ = add_user(session, "admin", "coordinator")
    print(f"{len(frame):,} Surabaya complaints; work dir {work}")
    print(f"{'month':8s} {'n':>5s} {'model':>26s} {'top-1':>6s} {'cov@95':>6s}  retrain")
    late_correct = []
    after_september = None
    for month in MONTHS:
        rows = frame[frame.month == month]
        model = TriageModel.load(registry.active_dir())
        result = score_holdout(model, rows.text.tolist(), rows.agency)
        if month in LATE:
            late_correct.extend(result.correct)
        service = ComplaintService(SuggestionService(model))
        with Timer() as replay:
            for start in range(0, len(rows), 1000):
                chunk = rows.iloc[start:start + 1000]
                stored, _ = service.ingest(sessions, admin, [
                    {"external_id": f"sby-{r.id}", "text": r.text, "district": r.district or None,
                     "received_at": r.created_at} for r in chunk.itertuples()])
                for item, r in zip(stored, chunk.itertuples(), strict=True):
                    service.decide(sessions, admin, item["id"], {"category": r.category or OTHER_TOPIC, "agency": r.agency,
                                                                 "expected_revision": 0})
            with sessions.begin() as session:  # decided the day after receipt, as in the real month
                for r in session.execute(select(Complaint.id, Complaint.received_at).where(
                        Complaint.external_id.in_([f"sby-{i}" for i in rows.id]))):
                    session.execute(update(Decision).where(Decision.complaint_id == r.id)
                                    .values(decided_at=r.received_at + pd.Timedelta(days=1)))
        with Timer() as training:
            summary = retrain(sessions, holdout_days=14, who="learning_curve", reason=f"after {month}")
        failed = ",".join(f["rule"] for f in summary["gate"]["failed"]) or "-"
        print(f"{month:8s} {len(rows):5d} {model.version:>26s} {result.metrics['accuracy']:6.3f} "
              f"{result.metrics['coverage_at_95_precision']:6.3f}  {summary['status']} (failed: {failed}; "
              f"ECE {summary['candidate']['ece']:.3f}; "
              f"{summary['training']['rows']:,} rows, holdout {summary['holdout']['n']}; replay {replay.seconds:.0f} s, "
              f"retrain {training.seconds:.0f} s)")
        if month == MONTHS[8]:
            after_september = TriageModel.load(registry.active_dir())
        sys.stdout.flush()

    early, late = frame[frame.month < LATE[0]], frame[frame.month >= LATE[0]]
    direct = TriageModel().fit(early.text.tolist(), category=early.category.tolist(), agency=early.agency.tolist())
    direct_late = score_holdout(direct, late.text.tolist(), late.agency).metrics
    replay_static = score_holdout(after_september, late.text.tolist(), late.agency).metrics
    online = sum(late_correct) / len(late_correct)
    print(f"Oct–Dec top-1: model trained directly on Jan–Sep {direct_late['accuracy']:.3f} "
          f"(cov@95 {direct_late['coverage_at_95_precision']:.3f}); replayed model after September "
          f"{replay_static['accuracy']:.3f} (cov@95 {replay_static['coverage_at_95_precision']:.3f}); "
          f"replay month by month {online:.3f}")
    gap = direct_late["accuracy"] - max(online, replay_static["accuracy"])
    print(f"gap {gap * 100:+.1f} points (target: within 2) -> {'met' if gap <= 0.02 else 'NOT met'}")


if __name__ == "__main__":
    main()
