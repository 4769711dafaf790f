"""`triage reclassify` on real files, as a user runs it."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest
from test_cli import TRIAGE, run

from training.data import Columns, read_table


@pytest.fixture(scope="module")
def model_dir(model_registry):
    return model_registry / (model_registry / "active").read_text().strip()


@pytest.fixture(scope="module")
def backlog(tmp_path_factory, seed_frame):
    """6,000 complaints (the seed corpus repeated, with ids) and a few bad rows."""
    frame = pd.concat([seed_frame] * 6, ignore_index=True).head(6000)[["text", "district"]]
    frame.insert(0, "id", [f"LPR-{i:05d}" for i in range(len(frame))])
    frame.loc[10, "text"] = ""
    frame.loc[20, "text"] = "x" * 3000
    path = tmp_path_factory.mktemp("batch") / "backlog.csv"
    frame.to_csv(path, index=False)
    return path


def test_output_matches_per_row_suggestions_and_keeps_order(backlog, model_dir, tmp_path, seed_model):
    out = tmp_path / "out.csv"
    result = run("reclassify", backlog, "-o", out, "--model", model_dir, "--chunk-size", "700",
                 "--district-col", "district", env={"TRIAGE_MAX_TEXT_CHARS": "2000"})
    assert result.returncode == 0, result.stderr
    assert "5,998 of 6,000 rows scored" in result.stderr
    scored = pd.read_csv(out, dtype=str, keep_default_na=False)
    source = pd.read_csv(backlog, dtype=str, keep_default_na=False)
    expected_ids = [i for i in source.id if i not in ("LPR-00010", "LPR-00020")]
    assert scored.id.tolist() == expected_ids
    for _, row in scored.sample(25, random_state=0).iterrows():
        text = source.loc[source.id == row.id, "text"].item()
        suggestion = seed_model.suggest(text)
        assert row.agency == suggestion["agency_top"][0]["code"]
        assert float(row.agency_confidence) == suggestion["agency_top"][0]["probability"]
        assert row.misinformation_flag == str(suggestion["misinformation"]["flag"])
        assert json.loads(row.agency_top3)[0]["code"] == row.agency
    rejects = pd.read_csv(f"{out}.rejects.csv", dtype=str)
    assert rejects.to_dict("records") == [
        {"row": "10", "id": "LPR-00010", "reason": "empty text"},
        {"row": "20", "id": "LPR-00020", "reason": "text longer than 2000 characters"}]


def test_two_workers_give_the_same_bytes(backlog, model_dir, tmp_path):
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    assert run("reclassify", backlog, "-o", one, "--model", model_dir, "--chunk-size", "1000").returncode == 0
    assert run("reclassify", backlog, "-o", two, "--model", model_dir, "--chunk-size", "1000",
               "--jobs", "2").returncode == 0
    assert one.read_bytes() == two.read_bytes()


def test_kill_9_then_resume_gives_the_uninterrupted_output(backlog, model_dir, tmp_path):
    reference, out = tmp_path / "reference.csv", tmp_path / "out.csv"
    assert run("reclassify", backlog, "-o", reference, "--model", model_dir, "--chunk-size", "300").returncode == 0
    process = subprocess.Popen([TRIAGE, "reclassify", str(backlog), "-o", str(out), "--model", str(model_dir),
                                "--chunk-size", "300"], stderr=subprocess.DEVNULL)
    parts = Path(f"{out}.parts")
    deadline = time.time() + 120
    while len(list(parts.glob("*.part"))) < 3 and time.time() < deadline:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    done = len(list(parts.glob("*.part")))
    assert 3 <= done < 20 and not out.exists(), "killed in the middle"
    resumed = run("reclassify", backlog, "-o", out, "--model", model_dir, "--chunk-size", "300", "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed after" in resumed.stderr
    assert out.read_bytes() == reference.read_bytes()
    assert not parts.exists()


def test_resume_refuses_parts_of_another_run(backlog, model_dir, tmp_path):
    out = tmp_path / "out.csv"
    parts = Path(f"{out}.parts")
    parts.mkdir()
    (parts / "manifest.json").write_text(json.dumps({"input": "other.csv"}))
    result = run("reclassify", backlog, "-o", out, "--model", model_dir, "--resume")
    assert result.returncode == 2 and "different run" in result.stderr


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_jsonl_and_parquet_in_and_out(seed_frame, model_dir, tmp_path, suffix):
    frame = seed_frame.head(50)[["text"]].assign(id=[f"k{i}" for i in range(50)])
    source = tmp_path / f"in{suffix}"
    if suffix == ".jsonl":
        frame.to_json(source, orient="records", lines=True, force_ascii=False)
    else:
        frame.to_parquet(source)
    out = tmp_path / f"out{suffix}"
    assert run("reclassify", source, "-o", out, "--model", model_dir, "--chunk-size", "20").returncode == 0
    result = pd.read_json(out, lines=True, dtype=False) if suffix == ".jsonl" else pd.read_parquet(out)
    assert result["id"].tolist() == frame.id.tolist() and len(result.columns) == 11


def test_bad_inputs(model_dir, tmp_path):
    no_text = tmp_path / "no_text.csv"
    no_text.write_text("id,isi\n1,jalan rusak\n")
    result = run("reclassify", no_text, "-o", tmp_path / "o.csv", "--model", model_dir)
    assert result.returncode == 2 and result.stderr.strip() == f"triage: error: {no_text}: no column 'text' (columns: id, isi)"
    assert not list(tmp_path.glob("o.csv*")), "a file without the text column is refused before anything is written"
    lines = tmp_path / "no_text.jsonl"  # each JSON Lines row names its own fields: one without text is a reject
    lines.write_text('{"id": 1, "text": "jalan rusak"}\n{"id": 2, "isi": "sampah"}\n')
    assert run("reclassify", lines, "-o", tmp_path / "o.csv", "--model", model_dir).returncode == 0
    assert "empty text" in (tmp_path / "o.csv.rejects.csv").read_text()
    assert run("reclassify", tmp_path / "nope.csv", "-o", tmp_path / "o.csv", "--model", model_dir).returncode == 2
    assert "unknown format" in run("reclassify", no_text, "-o", tmp_path / "o.xlsx", "--model", model_dir).stderr


def test_a_nul_byte_is_dropped_not_the_rest_of_its_text(seed_frame, model_dir, tmp_path):
    """pandas' C parser loses what follows a NUL byte in a field (pandas issue 19886): files are read without
    them, for scoring as for training."""
    texts = [t for t in seed_frame.text if " " in t][:30]
    clean, dirty = tmp_path / "clean.csv", tmp_path / "dirty.csv"
    pd.DataFrame({"id": range(len(texts)), "text": texts}).to_csv(clean, index=False)
    dirty.write_bytes(b"id,text\n" + b"".join(
        f'{i},"{t.replace(chr(34), chr(34) * 2)}"\n'.encode().replace(b" ", b"\x00 ", 1) for i, t in enumerate(texts)))
    for path in (clean, dirty):
        assert run("reclassify", path, "-o", path.with_suffix(".out.csv"), "--model", model_dir).returncode == 0
    assert pd.read_csv(dirty.with_suffix(".out.csv")).equals(pd.read_csv(clean.with_suffix(".out.csv")))
    assert read_table(dirty, Columns()).text.tolist() == texts


def test_stdin_to_stdout(seed_frame, model_dir, tmp_path):
    csv_text = seed_frame.head(5)[["text"]].to_csv(index=False)
    result = run("reclassify", "-", "-o", "-", "--model", model_dir, "--id-col", "", stdin=csv_text,
                 cwd=tmp_path)  # rejects of a stdout run go to ./triage-rejects.csv
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("row,category,") and len(lines) == 6


def test_dask_cluster_gives_the_local_output(backlog, model_dir, tmp_path):
    from distributed import LocalCluster

    local, on_dask, on_scheduler = tmp_path / "local.csv", tmp_path / "dask.csv", tmp_path / "tcp.csv"
    assert run("reclassify", backlog, "-o", local, "--model", model_dir, "--chunk-size", "1000").returncode == 0
    result = run("reclassify", backlog, "-o", on_dask, "--model", model_dir, "--chunk-size", "1000",
                 "--scheduler", "local[2]")
    assert result.returncode == 0, result.stderr
    assert on_dask.read_bytes() == local.read_bytes()
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = run("reclassify", backlog, "-o", on_scheduler, "--model", model_dir, "--chunk-size", "1000",
                     "--scheduler", cluster.scheduler_address)
    assert result.returncode == 0, result.stderr
    assert on_scheduler.read_bytes() == local.read_bytes()
    bad = run("reclassify", backlog, "-o", tmp_path / "x.csv", "--model", model_dir, "--scheduler", "yarn")
    assert bad.returncode == 2 and "tcp://host:port or local[N]" in bad.stderr


def test_progress_estimate_counts_rows(backlog, tmp_path, seed_frame):
    from triage.batch import estimate_rows

    assert estimate_rows(str(backlog)) >= 6000
    parquet = tmp_path / "p.parquet"
    seed_frame.head(42).to_parquet(parquet)
    assert estimate_rows(str(parquet)) == 42
    assert estimate_rows("-") is None


def test_known_hoaxes_in_the_catalogue_are_flagged_with_their_entry(model_dir, tmp_path):
    from test_hoaxes import BANSOS, BANSOS_VARIANT, GENUINE

    from triage.hoaxes import HoaxIndex

    index = tmp_path / "index.joblib"
    HoaxIndex.build([{"title": "Bansos 5 juta", "claim": BANSOS, "verdict": "hoax", "url": "u"}], ids=[42]).save(index)
    pd.DataFrame({"id": ["a", "b"], "text": [BANSOS_VARIANT, GENUINE]}).to_csv(tmp_path / "in.csv", index=False)
    env = {"TRIAGE_HOAX_INDEX": str(index)}
    assert run("reclassify", tmp_path / "in.csv", "-o", tmp_path / "out.csv", "--model", model_dir,
               env=env).returncode == 0
    scored = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False).set_index("id")
    assert scored.loc["a", "misinformation_match"] == "42" and scored.loc["a", "misinformation_flag"] == "True"
    assert scored.loc["b", "misinformation_match"] == "" and scored.loc["b", "misinformation_flag"] == "False"
    assert run("reclassify", tmp_path / "in.csv", "-o", tmp_path / "plain.csv", "--model", model_dir,
               "--no-catalogue", env=env).returncode == 0
    assert pd.read_csv(tmp_path / "plain.csv", dtype=str, keep_default_na=False).misinformation_match.tolist() == ["", ""]
