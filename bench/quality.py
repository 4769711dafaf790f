"""Dev quality with the CLI exactly as documented: Surabaya time split (agency) and Purbalingga 5-fold CV
(category). Prints the `triage evaluate --json` figures next to the targets.

    python bench/quality.py [--only surabaya|purbalingga] [--cv-seeds N]

`--cv-seeds N` repeats the Purbalingga CV with N shuffles (seed 0 first, the figure of record): with 115 test
rows per fold the mean moves by about a point from one shuffle to the next.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
from common import DATASETS, OUT, Timer
from sklearn.model_selection import StratifiedKFold
from surabaya_split import split

TRIAGE = str(Path(sys.executable).with_name("triage"))


def triage(*args) -> str:
    result = subprocess.run([TRIAGE, *map(str, args)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"triage {' '.join(map(str, args))} failed: {result.stderr.strip()}")
    return result.stdout


def surabaya() -> None:
    source = DATASETS / "surabaya" / "complaints_2022.csv"
    if not source.is_file():
        print(f"SKIP surabaya: {source} not found")
        return
    out = OUT / "surabaya"
    train, test = split(source, out)
    with Timer() as t:
        triage("train", "--data", train, "--out", out / "model")
    metrics = json.loads(triage("evaluate", "--model", out / "model", "--data", test, "--json",
                                "--report", out / "report"))
    agency = metrics["agency"]
    print(f"surabaya agency (train {t.seconds:.0f}s): top1 {agency['accuracy']:.3f} (target 0.80, baseline 0.77)"
          f"  top3 {agency['top3_accuracy']:.3f} (0.95 / 0.92)  coverage@95 "
          f"{agency['coverage_at_95_precision']:.3f} (0.55 / 0.39)  macro-F1 {agency['macro_f1']:.3f} (baseline 0.61)")


def purbalingga(cv_seeds: int = 1) -> None:
    source = DATASETS / "purbalingga" / "complaints_train.csv"
    if not source.is_file():
        print(f"SKIP purbalingga: {source} not found")
        return
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    out = OUT / "purbalingga"
    out.mkdir(parents=True, exist_ok=True)
    means = []
    for seed in range(cv_seeds):
        scores = []
        folds = StratifiedKFold(5, shuffle=True, random_state=seed).split(frame.text, frame.category)
        for k, (train_idx, test_idx) in enumerate(folds):
            frame.iloc[train_idx].to_csv(out / f"train{k}.csv", index=False)
            frame.iloc[test_idx].to_csv(out / f"test{k}.csv", index=False)
            triage("train", "--data", out / f"train{k}.csv", "--out", out / f"model{k}")
            metrics = json.loads(triage("evaluate", "--model", out / f"model{k}", "--data", out / f"test{k}.csv",
                                        "--json"))
            scores.append(metrics["category"]["accuracy"])
        means.append(sum(scores) / len(scores))
        print(f"purbalingga category 5-fold accuracy {means[-1]:.3f} (target 0.76, baseline 0.69)"
              f"  folds {' '.join(f'{s:.3f}' for s in scores)}  CV seed {seed}")
    if cv_seeds > 1:
        print(f"purbalingga mean over {cv_seeds} CV seeds {sum(means) / len(means):.3f}"
              f"  (min {min(means):.3f}, max {max(means):.3f})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["surabaya", "purbalingga"])
    parser.add_argument("--cv-seeds", type=int, default=1, help="Purbalingga CV repetitions (default 1)")
    args = parser.parse_args()
    if args.only != "purbalingga":
        surabaya()
    if args.only != "surabaya":
        purbalingga(args.cv_seeds)
