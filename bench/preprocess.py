"""Preprocessing speed on the Surabaya complaints, one core, against the straightforward way.

Straightforward: PySastrawi's `StemmerFactory().create_stemmer().stem(text)` per complaint (its own
text normalisation and word cache). Ours: `IndonesianPreprocessor` (masking, slang, stopwords,
per-process token cache). Cold = first pass with empty caches; warm = the best of three later passes. Both ways run over all the
complaints (before 2026-12-02 the baseline ran over the first 2,000 only).

    python bench/preprocess.py
"""

from __future__ import annotations

import pandas as pd
from common import Timer, dataset, rate


def main() -> None:
    texts = pd.read_csv(dataset("surabaya/complaints_2022.csv"), dtype=str, keep_default_na=False).text.tolist()

    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    from triage.text import IndonesianPreprocessor

    with Timer() as build:
        stemmer = StemmerFactory().create_stemmer()
    with Timer() as base_cold:
        for text in texts:
            stemmer.stem(text)
    base_runs = []
    for _ in range(3):
        with Timer() as base_warm:
            for text in texts:
                stemmer.stem(text)
        base_runs.append(base_warm.seconds)
    base_best = min(base_runs)

    pre = IndonesianPreprocessor().fit()
    with Timer() as cold:
        pre.transform(texts)
    warm_runs = []
    for _ in range(3):
        with Timer() as warm:
            pre.transform(texts)
        warm_runs.append(warm.seconds)
    best = min(warm_runs)
    print(f"complaints: {len(texts):,} (both ways on all of them); stemmer build {build.seconds:.2f}s")
    print(f"baseline Sastrawi stem(text)  cold {rate(len(texts), base_cold.seconds)}  warm {rate(len(texts), base_best)}"
          f"  (warm runs: {', '.join(rate(len(texts), s) for s in base_runs)})")
    print(f"triage preprocessor           cold {rate(len(texts), cold.seconds)}  warm {rate(len(texts), best)}"
          f"  (warm runs: {', '.join(rate(len(texts), s) for s in warm_runs)}; target >= 20,000/s)")
    print(f"ratio warm/warm {base_best / best:.1f}x, cold/cold {base_cold.seconds / cold.seconds:.1f}x")


if __name__ == "__main__":
    main()
