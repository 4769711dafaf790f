"""Preprocessing speed on the Surabaya complaints, one core, against the straightforward way.

Straightforward: PySastrawi's `StemmerFactory().create_stemmer().stem(text)` per complaint (its own
text normalisation and word cache). Ours: `IndonesianPreprocessor` (masking, slang, stopwords,
per-process token cache). Cold = first pass with empty caches; warm = later passes.

    python bench/preprocess.py
"""

from __future__ import annotations

import pandas as pd
from common import Timer, dataset, rate


def main() -> None:
    texts = pd.read_csv(dataset("surabaya/complaints_2022.csv"), dtype=str, keep_default_na=False).text.tolist()

    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    from triage.text import IndonesianPreprocessor

    sample = texts[:2000]
    with Timer() as build:
        stemmer = StemmerFactory().create_stemmer()
    with Timer() as base_cold:
        for text in sample:
            stemmer.stem(text)
    with Timer() as base_warm:
        for text in sample:
            stemmer.stem(text)

    pre = IndonesianPreprocessor().fit()
    with Timer() as cold:
        pre.transform(texts)
    warm_runs = []
    for _ in range(3):
        with Timer() as warm:
            pre.transform(texts)
        warm_runs.append(warm.seconds)
    best = min(warm_runs)
    print(f"complaints: {len(texts):,} (baseline on the first {len(sample):,}); stemmer build {build.seconds:.2f}s")
    print(f"baseline Sastrawi stem(text)  cold {rate(len(sample), base_cold.seconds)}  warm {rate(len(sample), base_warm.seconds)}")
    print(f"triage preprocessor           cold {rate(len(texts), cold.seconds)}  warm {rate(len(texts), best)}"
          f"  (warm runs: {', '.join(rate(len(texts), s) for s in warm_runs)}; target >= 20,000/s)")
    print(f"ratio warm/warm {len(texts) / best / (len(sample) / base_warm.seconds):.1f}x, "
          f"cold/cold {len(texts) / cold.seconds / (len(sample) / base_cold.seconds):.1f}x")


if __name__ == "__main__":
    main()
