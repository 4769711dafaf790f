"""CSV downloads meant for spreadsheets: text cells that cannot run as formulas, written batch by batch so a
download streams without holding every row."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(cell: object) -> object:
    """A text cell a spreadsheet shows as text (a leading ' before = + - @ tab CR); other values as they are."""
    return "'" + cell if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell


def csv_chunks(header: tuple[str, ...], batches: Iterable[list[tuple]]) -> Iterator[str]:
    """The header, then one chunk of CSV text per batch of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for rows in batches:
        writer.writerows(tuple(inert(cell) for cell in row) for row in rows)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()
