"""Reading labelled complaint tables with clear errors (what is wrong and where)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from triage.batch import CSV_AS_TEXT, nul_free


class DataError(Exception):
    """Input data cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Columns:
    """Column names in the input; a label column that is absent means that head has no labels."""

    text: str = "text"
    category: str = "category"
    agency: str = "agency"
    misinformation: str = "misinformation"
    district: str = "district"
    group: str = "group"  # rows that are versions of one complaint share a key (see triage.folds)

    def labels(self) -> dict[str, str]:
        return {"category": self.category, "agency": self.agency, "misinformation": self.misinformation}


def read_table(path: str | Path, columns: Columns) -> pd.DataFrame:
    """A CSV (or Parquet) of complaints: the text column is required, labels and district optional.

    Bytes that are not UTF-8 are replaced rather than fatal; rows without text are dropped.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    try:
        if path.suffix.lower() == ".parquet":
            frame = pd.read_parquet(path)
        else:
            with open(path, "rb") as raw:
                frame = pd.read_csv(nul_free(raw), **CSV_AS_TEXT)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, OSError) as exc:
        raise DataError(f"{path}: cannot read table ({' '.join(str(exc).split())})") from exc  # one line
    if columns.text not in frame.columns:
        raise DataError(f"{path}: no column {columns.text!r} (columns: {', '.join(map(str, frame.columns))})")
    frame = frame.fillna("")
    frame = frame[frame[columns.text].astype(str).str.strip() != ""]
    return frame.reset_index(drop=True)


def read_tables(paths: list[str | Path], columns: Columns) -> pd.DataFrame:
    frames = [read_table(p, columns) for p in paths]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def column_or_none(frame: pd.DataFrame, name: str) -> list[str] | None:
    return frame[name].astype(str).tolist() if name in frame.columns else None
