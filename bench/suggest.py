"""Suggestion speed on the Surabaya complaints: in-process latency, batch throughput on both cores,
and the straightforward way measured in the same run.

Model: trained on the Surabaya Jan-Sep 2022 complaints as split by bench/surabaya_split.py (category,
agency; misinformation 0) plus the
seed corpus (which carries misinformation labels), so all three heads are present.
Straightforward way: per complaint, PySastrawi `stem(text)` then one `predict_proba` call of a plain
scikit-learn pipeline (TF-IDF + calibrated LinearSVC, agency head only).

    python bench/suggest.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd
from common import OUT, ROOT, Timer, dataset, rate
from surabaya_split import split


def main() -> None:
    train_csv, test_csv = split(dataset("surabaya/complaints_2022.csv"), OUT / "surabaya")
    train = pd.read_csv(train_csv, dtype=str, keep_default_na=False).assign(misinformation="0")
    test = pd.read_csv(test_csv, dtype=str, keep_default_na=False).text.tolist()
    seed = pd.read_csv(ROOT / "data" / "seed_complaints.csv", dtype=str, keep_default_na=False)
    data = pd.concat([train, seed], ignore_index=True)

    from triage.batch import suggest_all
    from triage.model import TriageModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Timer() as fit:
            model = TriageModel().fit(data.text, data.category, data.agency, data.misinformation, data.district)
    model_dir = Path(tempfile.mkdtemp(prefix="bench-suggest-")) / "model"
    model.save(model_dir)
    print(f"model: {len(data):,} rows, heads {', '.join(f'{n}={len(h.classes)}' for n, h in model.heads.items())}, "
          f"trained in {fit.seconds:.0f}s")

    for text in test[:200]:  # warm the token cache as a running service would be
        model.suggest(text)
    latencies = []
    for text in test[:1000]:
        start = time.perf_counter()
        model.suggest(text)
        latencies.append((time.perf_counter() - start) * 1000)
    latencies.sort()
    print(f"suggest (with explanation), in-process: p50 {statistics.median(latencies):.2f} ms, "
          f"p95 {latencies[int(0.95 * len(latencies))]:.2f} ms (target p50 <= 2 ms)")

    batch = (test * (20000 // len(test) + 1))[:20000]
    for jobs in (1, 2):
        suggest_all(model_dir, batch[:4000], jobs=jobs)  # start workers, load the model, warm caches
        with Timer() as t:
            suggest_all(model_dir, batch, jobs=jobs)
        print(f"batch, three heads, {jobs} process(es): {rate(len(batch), t.seconds)}"
              + (" (target >= 4,000/s on both cores)" if jobs == 2 else ""))

    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    stemmer = StemmerFactory().create_stemmer()
    plain = make_pipeline(TfidfVectorizer(), CalibratedClassifierCV(LinearSVC(), cv=3))
    plain.fit([stemmer.stem(t) for t in train.text], train.agency)
    sample = test[:500]
    with Timer() as base:
        for text in sample:
            plain.predict_proba([stemmer.stem(text)])
    with Timer() as ours:
        for text in sample:
            model.suggest(text)
    print(f"straightforward (stem + predict per complaint, one head): {rate(len(sample), base.seconds)}; "
          f"triage suggest one by one (three heads + explanation): {rate(len(sample), ours.seconds)}; "
          f"ratio {base.seconds / ours.seconds:.1f}x")


if __name__ == "__main__":
    main()
