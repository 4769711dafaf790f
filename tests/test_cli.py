"""The `triage` command end to end, as a user runs it (subprocesses, real files)."""

import getpass
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

TRIAGE = str(Path(sys.executable).with_name("triage"))


def run(*args, stdin=None, env=None, cwd=None):
    return subprocess.run([TRIAGE, *map(str, args)], capture_output=True, text=True, input=stdin, check=False,
                          env={**os.environ, **(env or {})}, timeout=300, cwd=cwd)


@pytest.fixture(scope="module")
def trained(tmp_path_factory, seed_frame):
    tmp = tmp_path_factory.mktemp("cli")
    train_csv, test_csv = tmp / "train.csv", tmp / "test.csv"
    shuffled = seed_frame.sample(frac=1, random_state=3)
    shuffled.iloc[:500].to_csv(train_csv, index=False)
    shuffled.iloc[500:650].to_csv(test_csv, index=False)
    result = run("train", "--data", train_csv, "--out", tmp / "model")
    assert result.returncode == 0, result.stderr
    return tmp


def test_train_writes_model_and_card(trained):
    assert (trained / "model" / "model.joblib").is_file()
    card = json.loads((trained / "model" / "card.json").read_text())
    assert set(card["labels"]) == {"category", "agency", "misinformation"}
    groups = pd.read_csv(trained / "train.csv", dtype=str).group.nunique()
    assert card["data"]["groups"] == groups, "the seed corpus' group column keeps a core in one fold"


def test_evaluate_json_prints_one_object_with_every_head(trained):
    result = run("evaluate", "--model", trained / "model", "--data", trained / "test.csv", "--json",
                 "--report", trained / "report")
    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout)
    assert metrics["n"] == 150
    for head in ("category", "agency", "misinformation"):
        for key in ("accuracy", "macro_f1", "top3_accuracy", "coverage_at_95_precision"):
            assert 0.0 <= metrics[head][key] <= 1.0
    for key in ("flag_rate", "precision", "recall", "auc"):
        assert key in metrics["misinformation"]
    assert metrics["agency"]["accuracy"] > 0.6
    assert (trained / "report" / "report.html").is_file()
    assert (trained / "report" / "confusion_agency.png").is_file()


def test_evaluate_with_renamed_columns(trained, tmp_path):
    frame = pd.read_csv(trained / "test.csv").rename(columns={"text": "isi", "agency": "instansi"})
    frame[["isi", "instansi"]].to_csv(tmp_path / "renamed.csv", index=False)
    result = run("evaluate", "--model", trained / "model", "--data", tmp_path / "renamed.csv", "--json",
                 "--text-col", "isi", "--agency-col", "instansi")
    metrics = json.loads(result.stdout)
    assert "agency" in metrics and "category" not in metrics


def test_predict_from_argument_and_stdin(trained):
    result = run("predict", "air pdam mati tiga hari", "--model", trained / "model")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["agency_top"][0]["code"] == "PDAM"
    piped = run("predict", "-", "--model", trained / "model", stdin="air pdam mati tiga hari")
    assert json.loads(piped.stdout) == json.loads(result.stdout)


def test_bad_input_gives_one_line_error_and_exit_code(trained, tmp_path):
    missing = run("train", "--data", tmp_path / "nope.csv", "--out", tmp_path / "m")
    assert missing.returncode == 2
    assert missing.stderr.strip().count("\n") == 0 and "nope.csv: file not found" in missing.stderr

    (tmp_path / "notext.csv").write_text("isi,agency\nhalo,DLH\n")
    no_text = run("train", "--data", tmp_path / "notext.csv", "--out", tmp_path / "m")
    assert no_text.returncode == 2 and "no column 'text'" in no_text.stderr

    (tmp_path / "header.csv").write_text("text,agency\n")
    for command in (("train", "--out", tmp_path / "m"), ("evaluate", "--model", trained / "model")):
        no_rows = run(*command, "--data", tmp_path / "header.csv")
        assert no_rows.returncode == 2 and no_rows.stderr.strip().endswith("no complaint with text to "
                                                                          f"{command[0]} on"), no_rows.stderr

    (tmp_path / "one.csv").write_text("text,agency\njalan rusak,PUPR\nlampu mati,\n")
    one_label = run("train", "--data", tmp_path / "one.csv", "--out", tmp_path / "m")
    assert one_label.returncode == 2 and "at least 2 labelled rows are needed (agency: 1 labelled row)" in \
        one_label.stderr, one_label.stderr

    empty = run("predict", "   ", "--model", trained / "model")
    assert empty.returncode == 2 and "non-empty" in empty.stderr

    not_a_model = run("predict", "halo", "--model", tmp_path)
    assert not_a_model.returncode == 1 and "not a model directory" in not_a_model.stderr


def test_models_ensure_default_builds_once(tmp_path):
    env = {"TRIAGE_MODELS_DIR": str(tmp_path)}
    first = run("models", "ensure-default", env=env)
    assert first.returncode == 0 and "built model" in first.stderr
    second = run("models", "ensure-default", env=env)
    assert "active model" in second.stderr
    listing = run("models", "list", env=env)
    assert listing.stdout.startswith("* ")


def test_users_add_list_disable(tmp_path):
    from triage.accounts import Unauthorized, authenticate
    from triage.store.db import open_database

    url = f"sqlite:///{tmp_path / 'users.db'}"
    env = {"TRIAGE_DATABASE_URL": url}
    added = run("users", "add", "siti", "--role", "agency", "--agency", "DLH", env=env)
    assert added.returncode == 0 and len(added.stdout.strip()) >= 40, "the token is printed once"
    token = added.stdout.strip()
    assert run("users", "add", "siti", "--role", "auditor", env=env).returncode == 2, "names are unique"
    assert run("users", "add", "x", "--role", "agency", env=env).returncode == 2, "agency users need --agency"
    unknown = run("users", "add", "x", "--role", "agency", "--agency", "DINAS-TIDAK-ADA", env=env)
    assert unknown.returncode == 2 and unknown.stderr.count("\n") == 1 and "unknown agency code" in unknown.stderr
    assert "siti\tagency\tDLH\tactive" in run("users", "list", env=env).stdout
    _, sessions = open_database(url)
    with sessions() as session:
        assert authenticate(session, token).agency == "DLH"
    assert run("users", "disable", "siti", env=env).returncode == 0
    with sessions() as session, pytest.raises(Unauthorized):
        authenticate(session, token)
    assert run("users", "enable", "siti", env=env).returncode == 0
    with sessions() as session:
        assert authenticate(session, token).username == "siti", "enabled again with the token it had"
    replaced = run("users", "token", "siti", env=env)
    assert replaced.returncode == 0 and replaced.stdout.strip() != token
    with sessions() as session:
        assert authenticate(session, replaced.stdout.strip()).username == "siti"
        with pytest.raises(Unauthorized):
            authenticate(session, token)
    assert run("users", "token", "nobody", env=env).returncode == 2
    trail = [json.loads(line) for line in run("audit", "--user", "siti", env=env).stdout.splitlines()]
    assert [e["action"] for e in trail] == ["user.token_replaced", "user.enabled", "user.disabled", "user.created"]
    assert all(e["detail"]["by"] == getpass.getuser() for e in trail), "the operator is named"


def test_models_activate_and_rollback(tmp_path, seed_model, seed_frame):
    import warnings

    from triage import registry

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        second = fit_model(seed_frame.head(400))
    registry.register(seed_model, tmp_path)
    registry.register(second, tmp_path)
    env = {"TRIAGE_MODELS_DIR": str(tmp_path), "TRIAGE_DATABASE_URL": f"sqlite:///{tmp_path / 'audit.db'}"}
    assert run("models", "activate", seed_model.version, env=env).returncode == 0
    assert run("models", "activate", second.version, env=env).returncode == 0
    assert registry.active_version(tmp_path) == second.version
    assert registry.rollback_target(tmp_path) == seed_model.version
    rolled = run("models", "rollback", env=env)
    assert rolled.returncode == 0 and registry.active_version(tmp_path) == seed_model.version
    assert registry.rollback_target(tmp_path) is None
    assert run("models", "rollback", env=env).returncode == 1, "nothing earlier to roll back to"
    assert run("models", "activate", "no-such-version", env=env).returncode == 1
    trail = [json.loads(line) for line in run("audit", "--action", "model", env=env).stdout.splitlines()]
    assert [(e["action"], e["detail"]["version"], e["detail"]["via"]) for e in trail] == [
        ("model.rolled_back", seed_model.version, "cli"), ("model.activated", second.version, "cli"),
        ("model.activated", seed_model.version, "cli")], "each change at the command line is audited, newest first"


def test_audit_prints_json_lines_or_csv_and_rejects_bad_filters(tmp_path):
    env = {"TRIAGE_DATABASE_URL": f"sqlite:///{tmp_path / 'audit.db'}"}
    for name in ("ani", "budi", "citra"):
        assert run("users", "add", name, "--role", "auditor", env=env).returncode == 0
    lines = run("audit", env=env).stdout.splitlines()
    assert [json.loads(line)["user"] for line in lines] == ["citra", "budi", "ani"]
    assert [json.loads(line)["user"] for line in run("audit", "--limit", "2", env=env).stdout.splitlines()] == [
        "citra", "budi"]
    assert run("audit", "--user", "budi", "--action", "user.created", env=env).stdout.count("\n") == 1
    assert run("audit", "--action", "complaint", env=env).stdout == ""
    exported = run("audit", "--csv", "--limit", "1", env=env).stdout.splitlines()
    assert exported[0] == "id,at,user,action,complaint_id,detail" and len(exported) == 2 and ",citra," in exported[1]
    refused = run("users", "add", "=1+1", "--role", "auditor", env=env)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "username" in refused.stderr
    with sqlite3.connect(tmp_path / "audit.db") as db:  # a name stored before names were checked
        db.execute("UPDATE users SET username = '=1+1' WHERE username = 'citra'")
    assert ",'=1+1," in run("audit", "--csv", "--limit", "1", env=env).stdout, "no formula reaches a spreadsheet"
    bad = run("audit", "--since", "24-11-2026", env=env)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "invalid_since" in bad.stderr


def test_a_database_that_cannot_be_reached_is_one_line_naming_it(tmp_path, model_registry):
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {"TRIAGE_MODELS_DIR": str(model_registry),
           "TRIAGE_DATABASE_URL": f"postgresql+psycopg://postgres:rahasia@127.0.0.1:{port}/triage"}
    source = tmp_path / "ekspor.csv"
    pd.DataFrame({"external_id": ["LPR-1"], "text": ["Sampah TPS menumpuk seminggu"]}).to_csv(source, index=False)
    for args in (("ingest", source), ("audit",), ("users", "list")):
        result = run(*args, env=env)
        assert result.returncode == 1 and result.stderr.count("\n") == 1, (args, result.stderr[-500:])
        assert result.stderr.startswith(f"triage: error: database postgresql+psycopg://postgres:***@127.0.0.1:{port}/")
        assert "rahasia" not in result.stderr, "the password is never printed"

@pytest.mark.parametrize(("setting", "value", "says"), [
    ("TRIAGE_ROUTING_DAYS", "tiga", "TRIAGE_ROUTING_DAYS='tiga': not a whole number"),
    ("TRIAGE_RELOAD_SECONDS", "-1", "TRIAGE_RELOAD_SECONDS='-1': must not be negative"),
    ("TRIAGE_SECURE_COOKIES", "ya", "TRIAGE_SECURE_COOKIES='ya': 0 or 1"),
    ("TRIAGE_DATABASE_URL", "postgres//rahasia@db", "TRIAGE_DATABASE_URL: not a database URL"),
])
def test_a_setting_that_cannot_be_used_stops_serve_in_one_line(tmp_path, model_registry, setting, value, says):
    """Checked before gunicorn starts (its workers would each print a traceback and the server stop)."""
    env = {"TRIAGE_MODELS_DIR": str(model_registry), "TRIAGE_DATABASE_URL": f"sqlite:///{tmp_path / 't.db'}",
           setting: value}
    result = run("serve", "--port", "1", env=env)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr[-500:]
    assert result.stderr.startswith(f"triage: error: {says}") and "rahasia" not in result.stderr


def test_an_empty_setting_means_its_default(tmp_path, model_registry):
    env = {"TRIAGE_MODELS_DIR": str(model_registry), "TRIAGE_DATABASE_URL": f"sqlite:///{tmp_path / 't.db'}",
           "TRIAGE_MAX_TEXT_CHARS": "", "TRIAGE_ROUTING_DAYS": ""}
    result = run("predict", "jalan berlubang di depan sekolah", env=env)
    assert result.returncode == 0, result.stderr[-500:]


def test_a_database_refusing_a_row_is_one_line_and_nothing_is_half_stored(tmp_path, model_registry):
    """A PostgreSQL id sequence behind its table (a restore that skipped sequences) refuses the new rows."""
    import psycopg
    from conftest import postgres_database

    for url in postgres_database():
        env = {"TRIAGE_MODELS_DIR": str(model_registry), "TRIAGE_DATABASE_URL": url}
        source = tmp_path / "ekspor.csv"
        pd.DataFrame({"external_id": ["LPR-1", "LPR-2"], "text": ["Sampah TPS menumpuk seminggu", "Lampu PJU mati"]}
                     ).to_csv(source, index=False)
        assert run("ingest", source, env=env).returncode == 0
        with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as db:
            db.execute("SELECT setval(pg_get_serial_sequence('complaints', 'id'), 1, false)")
        pd.DataFrame({"external_id": ["LPR-3"], "text": ["Jalan berlubang di depan pasar"]}).to_csv(source, index=False)
        refused = run("ingest", source, env=env)
        assert refused.returncode == 1 and refused.stderr.count("\n") == 1, refused.stderr[-500:]
        assert "complaints_pkey" in refused.stderr
        with psycopg.connect(url.replace("+psycopg", "")) as db:
            assert db.execute("SELECT count(*) FROM complaints").fetchone()[0] == 2

def fit_model(frame):
    from triage.model import TriageModel

    return TriageModel().fit(frame.text, frame.category, frame.agency, frame.misinformation)


def test_ingest_stores_a_file_once_and_names_refused_rows(tmp_path, model_registry, database_url):
    from sqlalchemy import create_engine, select

    from triage.store.tables import AuditEvent, Complaint

    env = {"TRIAGE_MODELS_DIR": str(model_registry), "TRIAGE_DATABASE_URL": database_url}
    source = tmp_path / "ekspor.csv"
    pd.DataFrame({"nomor": ["LPR-1", "LPR-2", "LPR-3", "LPR-4"],
                  "isi": ["Jalan di depan pasar berlubang besar, motor sering jatuh", "Sampah TPS menumpuk seminggu",
                          "", "Lampu PJU mati"],
                  "channel": ["sms", "", "web", "faks"], "reporter_confidential": ["ya", "", "", ""]}
                 ).to_csv(source, index=False)
    first = run("ingest", source, "--id-col", "nomor", "--text-col", "isi", "--channel", "phone", env=env)
    assert first.returncode == 2, "refused rows make the exit code 2"
    assert json.loads(first.stdout) == {"rows": 4, "stored": 2, "known": 0, "refused": 2}
    assert [line.split(": ")[2:4] for line in first.stderr.splitlines()] == [
        [f"{source} row 3", "invalid_text"], [f"{source} row 4", "invalid_channel"]], "one line per refused row"
    again = run("ingest", source, "--id-col", "nomor", "--text-col", "isi", env=env)
    assert json.loads(again.stdout) == {"rows": 4, "stored": 0, "known": 2, "refused": 2}, "idempotent on the id"
    engine = create_engine(database_url)
    with engine.connect() as connection:
        stored = {c.external_id: c.channel for c in connection.execute(select(Complaint))}
        events = list(connection.execute(select(AuditEvent).where(AuditEvent.action == "complaint.ingested")))
    engine.dispose()
    assert stored == {"LPR-1": "sms", "LPR-2": "phone"}, "an empty channel cell takes --channel"
    assert [(e.user_id, e.detail["via"], e.detail["by"]) for e in events] == [(None, "cli", getpass.getuser())] * 2
    missing = run("ingest", source, env=env)
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "'external_id', 'text'" in missing.stderr

    exported = run("export-complaints", "-o", tmp_path / "antrean.csv", "--search", "sampah", env=env)
    assert exported.returncode == 0, exported.stderr
    rows = pd.read_csv(tmp_path / "antrean.csv", dtype=str, keep_default_na=False)
    assert rows.external_id.tolist() == ["LPR-2"] and rows.channel.tolist() == ["phone"]
    bad = run("export-complaints", "--received-from", "kemarin", env=env)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "invalid_received_from" in bad.stderr
