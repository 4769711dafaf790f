"""Categories and agencies (codes, Indonesian names, descriptions, default routing) from data/taxonomy.csv."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from triage.config import data_dir


@dataclass(frozen=True)
class Entry:
    code: str
    name: str
    description: str
    default_agency: str = ""


@dataclass(frozen=True)
class Taxonomy:
    categories: dict[str, Entry]
    agencies: dict[str, Entry]

    def name(self, kind: str, code: str) -> str:
        """Indonesian name of a category/agency code; the code itself when unknown (e.g. learned labels)."""
        table = self.categories if kind == "category" else self.agencies
        entry = table.get(code)
        return entry.name if entry else code


@lru_cache(maxsize=4)
def load_taxonomy(path: Path | None = None) -> Taxonomy:
    path = path or data_dir() / "taxonomy.csv"
    categories: dict[str, Entry] = {}
    agencies: dict[str, Entry] = {}
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            entry = Entry(row["code"], row["name"], row["description"], row.get("default_agency") or "")
            (categories if row["kind"] == "category" else agencies)[entry.code] = entry
    unknown = {c.default_agency for c in categories.values()} - set(agencies)
    if unknown:
        raise ValueError(f"{path}: categories route to unknown agencies {sorted(unknown)}")
    return Taxonomy(categories, agencies)
