"""`bench/surabaya_split.py`, the split the dev quality figures are measured on (and held-out data is split by):
by date whatever its spelling, rare agencies folded into Lainnya by their training count, empty labels kept empty."""

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from surabaya_split import MIN_TRAIN_ROWS, split


def test_split_by_date_folding_rare_agencies(tmp_path):
    rows = [("2022-03-04 09:36", "Dinas A")] * MIN_TRAIN_ROWS + [("15/09/2022", "Dinas B")] * (MIN_TRAIN_ROWS - 1)
    rows += [("2022-10-01", "Dinas A"), ("03/11/2022", "Dinas B"), ("2022-12-31T08:00:00", "Dinas C"),
             ("2022-05-01", ""), ("2022-11-02", ""), ("kemarin", "Dinas A")]
    frame = pd.DataFrame({"id": range(len(rows)), "text": "jalan rusak", "category": "", "agency": [a for _, a in rows],
                          "district": "", "created_at": [d for d, _ in rows]})
    frame.to_csv(tmp_path / "source.csv", index=False)

    train_path, test_path = split(tmp_path / "source.csv", tmp_path / "out")
    train = pd.read_csv(train_path, dtype=str, keep_default_na=False)
    test = pd.read_csv(test_path, dtype=str, keep_default_na=False)

    assert len(train) == 2 * MIN_TRAIN_ROWS and len(test) == 4, "15/09/2022 is September; the unreadable date is out"
    assert train.agency.value_counts().to_dict() == {"Dinas A": MIN_TRAIN_ROWS, "Lainnya": MIN_TRAIN_ROWS - 1, "": 1}
    assert test.agency.tolist() == ["Dinas A", "Lainnya", "Lainnya", ""], "03/11/2022 is 3 November, day first"
