"""Is the default model honest about its uncertainty on real complaints?

The default model (seed corpus only) scores the Surabaya complaints whose office maps to one taxonomy agency
(`OFFICES`; `Lainnya` and the two Bagian offices have no counterpart and are left out). Printed for the model as
`make run` builds it (validation folds over the seed corpus' cores) and, as the baseline in the same run, the
same model with folds over rows: top-1, mean top probability, expected calibration error, and the promise behind
`needs_review` (the share answered without review, and how often those are right; the card promises 95 %).

    python bench/default_model_honesty.py
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from common import ROOT, dataset

from training.gate import expected_calibration_error
from training.train import SEED_PARAMS
from triage.model import TriageModel

OFFICES = {
    "Dinas Sumber Daya Air dan Bina Marga": "PUPR", "Dinas Lingkungan Hidup": "DLH", "Dinas Sosial": "DINSOS",
    "Dinas Perhubungan": "DISHUB", "Dinas Kependudukan dan Pencatatan Sipil": "DISDUKCAPIL",
    "Satuan Polisi Pamong Praja": "SATPOLPP", "Dinas Kesehatan": "DINKES", "Dinas Pendidikan": "DISDIK",
    "Dinas Perumahan Rakyat dan Kawasan Permukiman serta Pertanahan": "DISPERKIM",
    "Dinas Perindustrian dan Tenaga Kerja": "DISNAKER", "Dinas Komunikasi dan Informatika": "DISKOMINFO",
    "Badan Pendapatan Daerah": "BAPENDA",
}


def report(name: str, model: TriageModel, texts: list[str], truth: np.ndarray) -> None:
    classes, P = model.predict_proba(texts)["agency"]
    confidence, correct = P.max(1), classes[P.argmax(1)] == truth
    answered = confidence >= model.thresholds["agency"]
    print(f"{name:28s} top-1 {correct.mean():.3f}  mean top probability {confidence.mean():.3f}  "
          f"ECE {expected_calibration_error(confidence, correct):.3f}  review cut {model.thresholds['agency']:.2f}: "
          f"answered without review {answered.mean():.1%}, right there "
          f"{correct[answered].mean() if answered.any() else float('nan'):.1%} (promised 95 %)")


def main() -> None:
    complaints = pd.read_csv(dataset("surabaya/complaints_2022.csv"), dtype=str, keep_default_na=False)
    complaints = complaints[complaints.agency.isin(OFFICES)]
    texts, truth = complaints.text.tolist(), complaints.agency.map(OFFICES).to_numpy()
    seed = pd.read_csv(ROOT / "data" / "seed_complaints.csv", dtype=str, keep_default_na=False)
    print(f"{len(texts):,} Surabaya complaints whose office maps to one of {len(set(OFFICES.values()))} agencies")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, groups in (("folds over cores (default)", seed.group), ("baseline: folds over rows", None)):
            model = TriageModel(**SEED_PARAMS).fit(seed.text, category=seed.category, agency=seed.agency,
                                                   groups=groups)
            report(name, model, texts, truth)


if __name__ == "__main__":
    main()
