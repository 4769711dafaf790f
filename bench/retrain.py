"""`triage retrain` on 100,000 decided complaints (target: <= 3 minutes), with its parts timed.

The decided complaints are Surabaya 2022 texts (real vocabulary and its ~200 offices) made distinct by small
edits (a dropped word, an RT number), decided over the last 60 days; they are written straight into the tables
(setup, not timed). The timed run is the CLI exactly as a cron job calls it. Baseline in the same run: the
plain training step alone (`TriageModel.fit` on the same rows), so the ratio shows what export, gating and the
report add.

    python bench/retrain.py [--rows 100000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import warnings
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
from common import Timer, dataset

TRIAGE = str(Path(sys.executable).with_name("triage"))


def variants(frame: pd.DataFrame, rows: int) -> pd.DataFrame:
    """`rows` distinct texts from `frame`, each an original with one word dropped and an RT number added."""
    rng = random.Random(0)
    picked = frame.sample(rows, replace=True, random_state=0).reset_index(drop=True)
    texts = []
    for i, text in enumerate(picked.text):
        words = text.split()
        if len(words) > 4:
            del words[rng.randrange(len(words))]
        texts.append(" ".join(words) + f" RT {i % 997:03d} RW {i // 997:03d}")
    return picked.assign(text=texts)


def populate(url: str, cases: pd.DataFrame) -> None:
    from sqlalchemy import insert

    from triage.accounts import add_user
    from triage.store.db import open_database
    from triage.store.tables import Complaint, Decision

    _, sessions = open_database(url)
    start = datetime(2026, 9, 1)
    with sessions.begin() as session:
        admin, _ = add_user(session, "bench", "coordinator")
        user_id = admin.id
    for offset in range(0, len(cases), 10_000):
        chunk = cases.iloc[offset:offset + 10_000]
        with sessions.begin() as session:
            complaints, decisions = [], []
            for i, row in enumerate(chunk.itertuples(), start=offset + 1):
                at = start + timedelta(minutes=i * 60 * 24 * 60 / len(cases))
                complaints.append({"id": i, "external_id": f"b{i}", "channel": "web", "district": row.district,
                                   "text_masked": row.text, "text_original": row.text, "status": "routed",
                                   "received_at": at, "created_at": at, "routed_at": at, "category": row.category,
                                   "agency": row.agency, "reporter_confidential": True, "revision": 1})
                decisions.append({"complaint_id": i, "user_id": user_id, "decided_at": at, "category": row.category,
                                  "agency": row.agency, "misinformation": False, "matched_top1": False,
                                  "matched_top3": False, "bulk": False, "revision": 0})
            session.execute(insert(Complaint), complaints)
            session.execute(insert(Decision), decisions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="retrain-bench-"))
    os.environ["TRIAGE_MODELS_DIR"] = str(work / "models")
    url = args.database_url or f"sqlite:///{work / 'triage.db'}"
    os.environ["TRIAGE_DATABASE_URL"] = url
    warnings.simplefilter("ignore")
    source = pd.read_csv(dataset("surabaya/complaints_2022.csv"), dtype=str, keep_default_na=False)
    source = source[(source.text.str.strip() != "") & (source.agency != "")]
    cases = variants(source, args.rows)
    with Timer() as setup:
        populate(url, cases)
        subprocess.run([TRIAGE, "models", "ensure-default"], check=True, capture_output=True)
    print(f"{len(cases):,} decided complaints, {cases.agency.nunique()} agencies; setup {setup.seconds:.0f} s")

    from triage.model import TriageModel

    train = cases.iloc[: int(len(cases) * 0.77)]  # about what the 14-day holdout leaves
    with Timer() as baseline:
        TriageModel().fit(train.text.tolist(), category=train.category.tolist(), agency=train.agency.tolist())
    with Timer() as run:
        result = subprocess.run([TRIAGE, "retrain", "--by", "bench", "--reason", "100k bench"],
                                capture_output=True, text=True, check=False)
    if result.returncode not in (0, 3):
        raise SystemExit(f"retrain failed: {result.stderr.strip()}")
    summary = json.loads(result.stdout)
    print(f"retrain: {run.seconds:.0f} s (target <= 180 s) -> {'met' if run.seconds <= 180 else 'NOT met'}; "
          f"status {summary['status']}, {summary['training']['rows']:,} training rows, "
          f"holdout {summary['holdout']['n']:,}, candidate top-1 {summary['candidate']['accuracy']:.3f}")
    print(f"baseline TriageModel.fit alone on {len(train):,} rows: {baseline.seconds:.0f} s; "
          f"retrain / fit = {run.seconds / baseline.seconds:.2f}")


if __name__ == "__main__":
    main()
