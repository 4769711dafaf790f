"""Write the Surabaya dev split used for the quality figures: train on created_at < 2022-10-01, test on the rest.

Agencies with fewer than 50 training rows become `Lainnya` in both files. Usage:

    python bench/surabaya_split.py [--source CSV] [--out DIR]
    triage train --data DIR/train.csv --out DIR/model
    triage evaluate --model DIR/model --data DIR/test.csv --json
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
from common import DATASETS, OUT

CUTOFF = "2022-10-01"
MIN_TRAIN_ROWS = 50


def split(source: Path, out: Path) -> tuple[Path, Path]:
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    # ISO dates as in the file; other spellings read day first (Indonesian use); an unreadable date places no row
    when = pd.to_datetime(frame.created_at, errors="coerce", utc=True, format="mixed", dayfirst=True)
    if undated := int(when.isna().sum()):
        print(f"{undated} rows without a readable created_at left out")
    train = frame[when < pd.Timestamp(CUTOFF, tz="UTC")].copy()
    test = frame[when >= pd.Timestamp(CUTOFF, tz="UTC")].copy()
    counts = train.agency.value_counts()
    kept = set(counts[counts >= MIN_TRAIN_ROWS].index)
    for part in (train, test):  # an empty agency stays empty: no label, not Lainnya
        part["agency"] = part.agency.where(part.agency.isin(kept) | (part.agency.str.strip() == ""), "Lainnya")
    out.mkdir(parents=True, exist_ok=True)
    columns = ["id", "text", "category", "agency", "district", "created_at"]
    train[columns].to_csv(out / "train.csv", index=False)
    test[columns].to_csv(out / "test.csv", index=False)
    print(f"{len(train)} train / {len(test)} test rows, {len(kept)} agencies + Lainnya -> {out}")
    return out / "train.csv", out / "test.csv"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DATASETS / "surabaya" / "complaints_2022.csv")
    parser.add_argument("--out", type=Path, default=OUT / "surabaya")
    args = parser.parse_args()
    if not args.source.is_file():
        raise SystemExit(f"SKIP: {args.source} not found")
    split(args.source, args.out)
