"""Batch reclassification: rows/s and peak memory of `triage reclassify --jobs 2` on 200,000 and
1,000,000 complaints sampled from Surabaya (seed corpus when the datasets are absent), against the
straightforward way (pandas `apply` of a per-row preprocess + predict) on a 5,000-row slice.

    python bench/batch.py [--sizes 200000 1000000]

Memory is sampled every 0.2 s from /proc over the whole process tree (CLI + workers): the peak of
the summed PSS (proportional set size: shared library pages divided among the processes that map
them, the honest total), the peak of the summed RSS (counts shared pages once per process, an upper
bound), and the largest single process's RSS.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd
from common import DATASETS, OUT, ROOT, Timer, rate

TRIAGE = str(Path(sys.executable).with_name("triage"))


def source_frame() -> pd.DataFrame:
    path = DATASETS / "surabaya" / "complaints_2022.csv"
    if path.is_file():
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    print(f"note: {path} not found; sampling the seed corpus instead")
    return pd.read_csv(ROOT / "data" / "seed_complaints.csv", dtype=str, keep_default_na=False)


def build_input(frame: pd.DataFrame, rows: int, path: Path) -> None:
    """`rows` complaints sampled with replacement, written in slices so memory stays small."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        for start in range(0, rows, 100_000):
            n = min(100_000, rows - start)
            part = frame.sample(n, replace=True, random_state=start)[["text", "district"]].copy()
            part.insert(0, "id", range(start, start + n))
            part.to_csv(fh, index=False, header=start == 0)


def tree_memory(pid: int) -> tuple[int, int, int]:
    """(summed PSS, summed RSS, largest RSS) in bytes over `pid` and all its descendants."""
    pss = rss = largest = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            fields = {}
            with open(f"/proc/{current}/smaps_rollup") as fh:
                for line in fh:
                    name, _, rest = line.partition(":")
                    if name in ("Rss", "Pss"):
                        fields[name] = int(rest.split()[0]) * 1024
            pss += fields.get("Pss", 0)
            rss += fields.get("Rss", 0)
            largest = max(largest, fields.get("Rss", 0))
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return pss, rss, largest


def run_reclassify(model_dir: Path, source: Path, output: Path, jobs: int) -> tuple[float, list[int]]:
    start = time.perf_counter()
    process = subprocess.Popen([TRIAGE, "reclassify", str(source), "-o", str(output), "--model", str(model_dir),
                                "--jobs", str(jobs), "--chunk-size", "5000"], stderr=subprocess.PIPE, text=True)
    peak = [0, 0, 0]
    while process.poll() is None:
        peak = [max(a, b) for a, b in zip(peak, tree_memory(process.pid))]
        time.sleep(0.2)
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"reclassify failed: {process.stderr.read()}")
    print(f"    {process.stderr.read().strip()}")
    return seconds, peak


def train_model(frame: pd.DataFrame, directory: Path) -> Path:
    from triage.model import TriageModel

    seed = pd.read_csv(ROOT / "data" / "seed_complaints.csv", dtype=str, keep_default_na=False)
    counts = frame.agency.value_counts() if "agency" in frame else pd.Series(dtype=int)
    data = frame.assign(agency=frame.agency.where(frame.agency.isin(counts[counts >= 50].index), "Lainnya"),
                        misinformation="0") if len(counts) else frame
    data = pd.concat([data, seed], ignore_index=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = TriageModel().fit(data.text, data.category, data.agency, data.misinformation)
    return model.save(directory / "model")


def baseline(model_dir: Path, frame: pd.DataFrame) -> float:
    """pandas apply: preprocess + predict one row at a time (all three heads)."""
    from triage.model import TriageModel

    model = TriageModel.load(model_dir)
    sample = frame.sample(5000, replace=True, random_state=1)
    with Timer() as t:
        sample.text.apply(lambda text: model.predict_proba([model.vectorizer.preprocessor.process(text)]))
    return 5000 / t.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200_000, 1_000_000])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    frame = source_frame()
    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="bench-batch-", dir=OUT))
    with Timer() as t:
        model_dir = train_model(frame, work)
    print(f"model trained in {t.seconds:.0f}s -> {model_dir}")
    base = baseline(model_dir, frame)
    print(f"straightforward (pandas apply, per-row preprocess + predict): {base:,.0f} rows/s on 5,000 rows")
    for size in args.sizes:
        source = work / f"backlog_{size}.csv"
        build_input(frame, size, source)
        seconds, peak = run_reclassify(model_dir, source, work / f"out_{size}.csv", args.jobs)
        pss, rss, largest = (value / 2**20 for value in peak)
        print(f"reclassify {size:,} rows, --jobs {args.jobs}: {rate(size, seconds)} end-to-end ({seconds:.0f}s), "
              f"{size / seconds / base:.1f}x the straightforward way; peak memory of the process tree: "
              f"PSS {pss:,.0f} MiB, RSS sum {rss:,.0f} MiB, largest process {largest:,.0f} MiB "
              "(targets >= 4,000/s, <= 1 GB)")
        source.unlink()


if __name__ == "__main__":
    main()
