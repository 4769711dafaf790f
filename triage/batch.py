"""Scoring many complaints: streaming file reclassification in chunks, spread over worker processes.

A run reads INPUT chunk by chunk (CSV, JSON Lines or Parquet, by extension), scores each chunk in a
worker that loads the model once, and writes each finished chunk as a part file under
`OUTPUT.parts/` (atomically). The final OUTPUT is assembled from the parts in input order, so an
interrupted run resumes from its last completed chunk and produces the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sys
from collections import deque
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from triage.config import max_text_chars
from triage.hoaxes import HoaxIndex, suggest_with_matches
from triage.model import TriageModel

OUTPUT_COLUMNS = ["category", "category_confidence", "agency", "agency_confidence", "agency_top3",
                  "misinformation_score", "misinformation_flag", "misinformation_match", "needs_review",
                  "model_version"]
REJECT_COLUMNS = ["row", "id", "reason"]


class BatchError(Exception):
    """The run cannot start or finish (bad input file, columns, options); the message says where."""


@lru_cache(maxsize=2)
def worker_model(model_dir: str) -> TriageModel:
    """The model for `model_dir`, loaded once per process (pool workers reuse it across chunks)."""
    return TriageModel.load(Path(model_dir))


@lru_cache(maxsize=2)
def _catalogue_at(path: str, mtime_ns: int) -> HoaxIndex:
    return HoaxIndex.load(Path(path))


def worker_catalogue(path: str | None) -> HoaxIndex | None:
    """The catalogue match index file as it is now (reloaded when it changes), None when there is none."""
    try:
        return _catalogue_at(str(path), Path(path).stat().st_mtime_ns) if path else None
    except OSError:
        return None


def suggest_chunk(model_dir: str, texts: list[str]) -> list[dict]:
    """Suggestions (without explanations) for one chunk of texts."""
    return worker_model(model_dir).suggest_many(texts)


def suggest_all(model_dir: str | Path, texts: list[str], jobs: int = 1, chunk_size: int = 2000) -> list[dict]:
    """Suggestions for every text in order, using `jobs` processes (joblib/loky)."""
    chunks = [texts[i:i + chunk_size] for i in range(0, len(texts), chunk_size)]
    if jobs <= 1:
        return [s for chunk in chunks for s in suggest_chunk(str(model_dir), chunk)]
    from joblib import Parallel, delayed

    results = Parallel(n_jobs=jobs)(delayed(suggest_chunk)(str(model_dir), chunk) for chunk in chunks)
    return [s for chunk in results for s in chunk]


# ---- reading -----------------------------------------------------------------------------------------
def _format(path: str) -> str:
    if path == "-":
        return "csv"
    suffix = Path(path).suffix.lower()
    formats = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
    if suffix not in formats:
        raise BatchError(f"{path}: unknown format {suffix or '(none)'}; use .csv, .jsonl or .parquet")
    return formats[suffix]


# every value a string, bytes that are not UTF-8 replaced rather than fatal
CSV_AS_TEXT = {"dtype": str, "keep_default_na": False, "encoding": "utf-8", "encoding_errors": "replace"}


class _NulFree(io.RawIOBase):
    """A binary stream read without its NUL bytes."""

    def __init__(self, raw):
        self.raw = raw

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while chunk := self.raw.read(len(buffer)):
            data = chunk.replace(b"\x00", b"")
            if data:
                buffer[:len(data)] = data
                return len(data)
        return 0


def nul_free(raw) -> io.BufferedReader:
    """The binary stream `raw` read without its NUL bytes, for `pd.read_csv(..., **CSV_AS_TEXT)`: pandas' C parser
    silently loses the rest of a field after a NUL (pandas issue 19886, fixed only in pandas 3.1), and PostgreSQL
    could not store one anyway."""
    return io.BufferedReader(_NulFree(raw))


def read_chunks(path: str, chunk_size: int) -> Iterator[pd.DataFrame]:
    """The input as DataFrames of at most `chunk_size` rows, all values strings."""
    kind = _format(path)
    if path != "-" and not Path(path).is_file():
        raise BatchError(f"{path}: file not found")
    try:
        if kind == "csv":
            with nullcontext(sys.stdin.buffer) if path == "-" else open(path, "rb") as raw:
                yield from pd.read_csv(nul_free(raw), chunksize=chunk_size, **CSV_AS_TEXT)
        elif kind == "jsonl":
            for chunk in pd.read_json(path, lines=True, chunksize=chunk_size, dtype=False):
                yield chunk.astype(object).where(chunk.notna(), "").astype(str)
        else:
            import pyarrow.parquet as pq

            for batch in pq.ParquetFile(path).iter_batches(batch_size=chunk_size):
                frame = batch.to_pandas()
                yield frame.astype(object).where(frame.notna(), "").astype(str)
    except (ValueError, pd.errors.ParserError, OSError) as exc:
        raise BatchError(f"{path}: cannot read ({' '.join(str(exc).split())})") from exc  # one line


def require_column(path: str, column: str) -> None:
    """Refuse a CSV or Parquet file whose header lacks `column` before anything is written (in JSON Lines each
    row names its own fields, and stdin cannot be read twice, so their rows are checked one by one)."""
    kind = _format(path)
    if path == "-" or kind == "jsonl" or not Path(path).is_file():
        return
    try:
        if kind == "csv":
            with open(path, "rb") as raw:
                names = list(pd.read_csv(nul_free(raw), nrows=0, **CSV_AS_TEXT).columns)
        else:
            import pyarrow.parquet as pq

            names = pq.ParquetFile(path).schema_arrow.names
    except (ValueError, pd.errors.ParserError, OSError) as exc:
        raise BatchError(f"{path}: cannot read ({' '.join(str(exc).split())})") from exc
    if column not in names:
        shown = ", ".join(str(name)[:40] for name in names[:20]) + (", ..." if len(names) > 20 else "")
        raise BatchError(f"{path}: no column {column!r} (columns: {shown})")


def estimate_rows(path: str) -> int | None:
    """Rows in INPUT for a progress bar's ETA: exact for Parquet and JSON Lines, line count for CSV
    (a quoted field spanning lines makes it an over-estimate); None for stdin."""
    if path == "-" or not Path(path).is_file():
        return None
    kind = _format(path)
    if kind == "parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    lines = 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            lines += block.count(b"\n")
    return max(0, lines - (kind == "csv"))


# ---- scoring one chunk -------------------------------------------------------------------------------
@dataclass
class ChunkResult:
    rows: pd.DataFrame  # output rows, input order, scored rows only
    rejects: list[dict]
    replaced: list[int] = field(default_factory=list)  # rows whose undecodable bytes were replaced


def score_chunk(model_dir: str, frame: pd.DataFrame, first_row: int, text_col: str, id_col: str | None,
                district_col: str | None = None, catalogue: str | None = None) -> ChunkResult:
    """Score the rows of one chunk that can be scored; the others become rejects with a reason. With a
    `catalogue` index file, each text is matched against the known hoaxes as in the service."""
    model = worker_model(model_dir)
    limit = max_text_chars()
    ids = frame[id_col].tolist() if id_col and id_col in frame.columns else [str(first_row + i) for i in range(len(frame))]
    texts = frame[text_col].tolist() if text_col in frame.columns else [None] * len(frame)
    rejects, keep, replaced = [], [], []
    for i, text in enumerate(texts):
        row = first_row + i
        if text is None:
            rejects.append({"row": row, "id": ids[i], "reason": f"missing column {text_col!r}"})
        elif not text.strip():
            rejects.append({"row": row, "id": ids[i], "reason": "empty text"})
        elif len(text) > limit:
            rejects.append({"row": row, "id": ids[i], "reason": f"text longer than {limit} characters"})
        else:
            keep.append(i)
            if "\ufffd" in text:
                replaced.append(row)
    districts = frame[district_col].tolist() if district_col and district_col in frame.columns else None
    kept = [texts[i] for i in keep]
    index = worker_catalogue(catalogue) if kept else None
    matches = index.match_many(kept) if index is not None else [None] * len(kept)
    suggestions = suggest_with_matches(model, kept, matches, [districts[i] or None for i in keep] if districts
                                       else None) if kept else []
    out = []
    for i, s, match in zip(keep, suggestions, matches, strict=True):
        category = (s.get("category_top") or [{}])[0]
        agency_top = s.get("agency_top") or [{}]
        misinfo = s["misinformation"]
        out.append({"id": ids[i], "category": category.get("code", ""),
                    "category_confidence": category.get("probability", ""),
                    "agency": agency_top[0].get("code", ""), "agency_confidence": agency_top[0].get("probability", ""),
                    "agency_top3": json.dumps(agency_top, ensure_ascii=False),
                    "misinformation_score": "" if misinfo["score"] is None else misinfo["score"],
                    "misinformation_flag": misinfo["flag"], "misinformation_match": match.entry_id if match else "",
                    "needs_review": s.get("needs_review", True),
                    "model_version": s["model_version"]})
    id_name = id_col or "row"
    rows = pd.DataFrame(out, columns=["id", *OUTPUT_COLUMNS]).rename(columns={"id": id_name})
    return ChunkResult(rows, rejects, replaced)


# ---- writing -----------------------------------------------------------------------------------------
def _part_bytes(rows: pd.DataFrame, kind: str, header: bool) -> bytes:
    if kind == "csv":
        return rows.to_csv(index=False, header=header, lineterminator="\n").encode("utf-8")
    if kind == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows.to_dict("records")).encode("utf-8")
    import pyarrow as pa
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(rows.astype(str), preserve_index=False), buffer)
    return buffer.getvalue()


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


@dataclass
class Summary:
    rows: int = 0
    scored: int = 0
    rejected: int = 0
    replaced: list[int] = field(default_factory=list)
    resumed_chunks: int = 0

    def line(self, output: str) -> str:
        text = f"{self.scored:,} of {self.rows:,} rows scored -> {output}"
        if self.rejected:
            text += f"; {self.rejected:,} rejected -> {output}.rejects.csv"
        if self.replaced:
            text += f"; {len(self.replaced):,} rows had undecodable bytes replaced (rows {self.replaced[:10]})"
        if self.resumed_chunks:
            text += f"; resumed after {self.resumed_chunks} completed chunks"
        return text


def reclassify(input_path: str, output_path: str, model_dir: str | Path, text_col: str = "text",
               id_col: str | None = "id", chunk_size: int = 5000, jobs: int = 1, resume: bool = False,
               progress=None, scheduler: str | None = None, district_col: str | None = None,
               catalogue: str | Path | None = None) -> Summary:
    """Score every row of INPUT into OUTPUT (same order), rejects into OUTPUT.rejects.csv.

    `catalogue` is the known-hoax match index file: each chunk is matched against it as it is when the chunk
    is scored (chunks finished before a resume keep the matches of their time). No file, no matching.

    `scheduler` runs the chunks on a Dask cluster instead of local processes: `tcp://host:port` for a
    running scheduler (its workers must see `model_dir` at the same path), or `local[N]` for a
    LocalCluster of N worker processes on this machine.
    """
    kind = _format(output_path)
    if chunk_size < 1 or jobs < 1:
        raise BatchError("--chunk-size and --jobs must be at least 1")
    require_column(input_path, text_col)
    model_dir = str(model_dir)
    # On Dask the parent never holds the model; the card says which version the workers will load.
    version = _card_version(model_dir) if scheduler else worker_model(model_dir).version
    stdout = output_path == "-"
    parts = Path(f"{output_path}.parts") if not stdout else Path(os.environ.get("TMPDIR", "/tmp")) / f"triage-{os.getpid()}.parts"
    manifest = {"input": os.path.abspath(input_path) if input_path != "-" else "-", "chunk_size": chunk_size,
                "text_col": text_col, "id_col": id_col, "district_col": district_col,
                "model_version": version, "catalogue": str(catalogue) if catalogue else None}
    if resume and parts.is_dir():
        recorded = json.loads((parts / "manifest.json").read_text()) if (parts / "manifest.json").is_file() else None
        if recorded != manifest:
            raise BatchError(f"{parts}: was written by a different run (input, chunk size, columns, model or "
                             "catalogue); "
                             "remove it or run without --resume")
    else:
        shutil.rmtree(parts, ignore_errors=True)
        parts.mkdir(parents=True)
        _write_atomic(parts / "manifest.json", json.dumps(manifest).encode())

    summary = Summary()
    pending = _pending_chunks(input_path, chunk_size, parts, summary)
    columns = (text_col, id_col, district_col, manifest["catalogue"])
    scoring = (_score_on_dask(pending, model_dir, columns, scheduler) if scheduler
               else _score(pending, model_dir, columns, jobs))
    for index, result in scoring:
        _write_atomic(parts / f"{index:08d}.rejects.json", json.dumps(result.rejects).encode())
        _write_atomic(parts / f"{index:08d}.replaced.json", json.dumps(result.replaced).encode())
        _write_atomic(parts / f"{index:08d}.part", _part_bytes(result.rows, kind, header=False))
        if progress:
            progress(len(result.rows) + len(result.rejects))
    _assemble(parts, output_path, kind, summary)
    shutil.rmtree(parts, ignore_errors=True)
    return summary


def _card_version(model_dir: str) -> str:
    from triage.model import CARD_FILE

    try:
        return json.loads((Path(model_dir) / CARD_FILE).read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError) as exc:
        raise BatchError(f"{model_dir}: no readable model card ({exc})") from exc


def _pending_chunks(input_path, chunk_size, parts: Path, summary: Summary):
    """(chunk index, first row, frame) for chunks without a finished part file."""
    first_row = 0
    for index, frame in enumerate(read_chunks(input_path, chunk_size)):
        summary.rows += len(frame)
        if (parts / f"{index:08d}.part").is_file():
            summary.resumed_chunks += 1
        else:
            yield index, first_row, frame
        first_row += len(frame)


def _score(pending, model_dir: str, columns: tuple, jobs: int):
    """Chunks scored in input order. With `jobs` > 1 the parent process is one of the workers and
    `jobs` - 1 loky processes are the others: one fewer copy of the libraries and the model in memory."""
    if jobs <= 1:
        for index, first_row, frame in pending:
            yield index, score_chunk(model_dir, frame, first_row, *columns)
        return
    from concurrent.futures import Future

    from joblib.externals.loky import get_reusable_executor

    executor = get_reusable_executor(max_workers=jobs - 1)
    window: deque = deque()
    for index, first_row, frame in pending:
        busy = sum(isinstance(item, Future) and not item.done() for _, item in window)
        if busy < 2 * (jobs - 1):  # keep one chunk queued per worker so it never waits for the parent
            window.append((index, executor.submit(score_chunk, model_dir, frame, first_row, *columns)))
        else:  # every worker is busy: the parent scores this chunk itself
            window.append((index, score_chunk(model_dir, frame, first_row, *columns)))
        while window and (len(window) > 3 * jobs or not isinstance(window[0][1], Future) or window[0][1].done()):
            done_index, item = window.popleft()
            yield done_index, item.result() if isinstance(item, Future) else item
    for done_index, item in window:
        yield done_index, item.result() if isinstance(item, Future) else item


def _score_on_dask(pending, model_dir: str, columns: tuple, scheduler: str):
    """The same chunks scored on a Dask cluster, results yielded in input order (a bounded window of
    chunks is in flight, so memory stays flat)."""
    import re

    from distributed import Client, LocalCluster

    local = re.fullmatch(r"local\[(\d+)\]", scheduler)
    if not local and not scheduler.startswith("tcp://"):
        raise BatchError(f"--scheduler {scheduler!r}: use tcp://host:port or local[N]")
    cluster = LocalCluster(n_workers=int(local.group(1)), threads_per_worker=1, processes=True,
                           dashboard_address=None) if local else None
    try:
        with Client(cluster or scheduler, timeout="30s") as client:
            window = 2 * max(1, len(client.scheduler_info()["workers"]))
            in_flight = []
            for index, first_row, frame in pending:
                in_flight.append((index, client.submit(score_chunk, model_dir, frame, first_row, *columns,
                                                       pure=False)))
                if len(in_flight) >= window:
                    done_index, future = in_flight.pop(0)
                    yield done_index, future.result()
            for done_index, future in in_flight:
                yield done_index, future.result()
    except OSError as exc:
        raise BatchError(f"--scheduler {scheduler}: cannot reach the cluster ({exc})") from exc
    finally:
        if cluster is not None:
            cluster.close()


def _assemble(parts: Path, output_path: str, kind: str, summary: Summary) -> None:
    """Concatenate part files in chunk order into OUTPUT and OUTPUT.rejects.csv."""
    indices = sorted(int(p.name.split(".")[0]) for p in parts.glob("*.part"))
    rejects: list[dict] = []
    for index in indices:
        rejects += json.loads((parts / f"{index:08d}.rejects.json").read_text())
        summary.replaced += json.loads((parts / f"{index:08d}.replaced.json").read_text())
    summary.rejected = len(rejects)
    summary.scored = summary.rows - summary.rejected
    if output_path == "-":
        sys.stdout.write(_header_line(parts).decode())
        for index in indices:
            sys.stdout.write((parts / f"{index:08d}.part").read_text(encoding="utf-8"))
        sys.stdout.flush()
    else:
        final = Path(output_path)
        tmp = final.with_name(final.name + ".tmp")
        if kind == "parquet":
            _merge_parquet([parts / f"{i:08d}.part" for i in indices], tmp)
        else:
            with open(tmp, "wb") as out:
                if kind == "csv":
                    out.write(_header_line(parts))
                for index in indices:
                    with open(parts / f"{index:08d}.part", "rb") as part:
                        shutil.copyfileobj(part, out)
        os.replace(tmp, final)
    if rejects:
        target = "triage-rejects.csv" if output_path == "-" else f"{output_path}.rejects.csv"
        with open(target, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, REJECT_COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rejects)


def _header_line(parts: Path) -> bytes:
    manifest = json.loads((parts / "manifest.json").read_text())
    id_name = manifest["id_col"] or "row"
    return (",".join([id_name, *OUTPUT_COLUMNS]) + "\n").encode()


def _merge_parquet(paths: list[Path], target: Path) -> None:
    import pyarrow.parquet as pq

    writer = None
    for path in paths:
        table = pq.read_table(path)
        if writer is None:
            writer = pq.ParquetWriter(target, table.schema)
        if table.num_rows:
            writer.write_table(table)
    if writer is None:
        raise BatchError("nothing to write")
    writer.close()
