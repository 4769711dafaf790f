"""`triage` command line: train, evaluate, predict, serve, models, audit, users, db.

Errors print one line, `triage: error: <what and where>`, and exit with code 2 (bad input) or 1 (a model or the
database); `retrain` exits 3 when the gate rejects its candidate.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import tempfile
import warnings
from pathlib import Path

import click

from triage import config, registry
from triage.config import PROJECT_ROOT, models_dir
from triage.model import ModelError, TriageModel

EXIT_BAD_INPUT = 2
EXIT_GATE_FAILED = 3


def _one_line_warnings(message, category, filename, lineno, file=None, line=None):
    click.echo(f"triage: warning: {message}", err=True)


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> None:
    click.echo(f"triage: error: {message}", err=True)
    sys.exit(code)


def _columns(kw: dict):
    from training.data import Columns

    return Columns(text=kw.pop("text_col"), category=kw.pop("category_col"), agency=kw.pop("agency_col"),
                   misinformation=kw.pop("misinfo_col"), district=kw.pop("district_col"))


def column_options(func):
    for name, default in reversed([("text-col", "text"), ("category-col", "category"), ("agency-col", "agency"),
                                   ("misinfo-col", "misinformation"), ("district-col", "district")]):
        func = click.option(f"--{name}", default=default, show_default=True, help=f"column holding the {default}")(func)
    return func


def _load(model_dir: str | None) -> TriageModel:
    try:
        return TriageModel.load(Path(model_dir) if model_dir else registry.active_dir())
    except ModelError as exc:
        _fail(str(exc), 1)


class _Commands(click.Group):
    """The command group; a database that cannot be reached, or refuses a statement, is one error line (exit 1)
    naming the database (without its password) instead of a traceback."""

    def invoke(self, ctx):
        from sqlalchemy.exc import ArgumentError, DBAPIError

        from triage.config import SettingError, database_url
        from triage.store.db import shown_url

        try:
            return super().invoke(ctx)
        except SettingError as exc:
            _fail(str(exc))
        except ArgumentError as exc:  # a URL given as an option; not shown: it may hold a password
            _fail(f"database URL: {_first_line(exc)}")
        except DBAPIError as exc:
            _fail(f"database {shown_url(database_url())}: {_first_line(exc.orig)}", 1)


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else error.__class__.__name__


@click.group(cls=_Commands)
def main() -> None:
    """Triage of SP4N-LAPOR! complaints: category, responsible agency, misinformation flag."""
    warnings.showwarning = _one_line_warnings


@main.command()
@click.option("--data", "data", multiple=True, required=True, type=click.Path(), help="labelled CSV (repeatable)")
@column_options
@click.option("--out", required=True, type=click.Path(file_okay=False), help="directory to write the model into")
@click.option("--min-class-count", default=5, show_default=True, help="rarer classes are folded into 'Lainnya'")
@click.option("--rare", type=click.Choice(["fold", "drop"]), default="fold", show_default=True)
@click.option("--hoax-data", multiple=True, type=click.Path(),
              help="hoax/valid corpus (columns text, label in {hoax, valid}; repeatable) for the misinformation head")
@click.option("--misinfo-false-alarm", default=0.01, show_default=True, type=click.FloatRange(0.0001, 0.5),
              help="share of complaints the misinformation flag may fire on (sets its threshold)")
@click.option("--no-prior", is_flag=True, help="do not use the seed corpus as prior knowledge (seed-model prior; seed complaints as "
                   "misinformation examples; see README)")
@click.option("--group-col", default="group", show_default=True,
              help="column whose equal values mark versions of one complaint (kept in one validation fold)")
def train(data, out, min_class_count, rare, hoax_data, misinfo_false_alarm, no_prior, group_col, **kw) -> None:
    """Train a model on labelled complaints; heads without a label column are skipped."""
    from training.data import DataError
    from training.train import train as train_model

    try:
        columns = dataclasses.replace(_columns(kw), group=group_col)
        model = train_model(list(data), columns, hoax_data=tuple(hoax_data), use_prior=not no_prior,
                            min_class_count=min_class_count, rare=rare, misinfo_false_alarm=misinfo_false_alarm)
    except (DataError, ModelError) as exc:
        _fail(str(exc))
    model.save(out)
    heads = ", ".join(f"{name} ({len(head.classes)} classes)" for name, head in model.heads.items())
    click.echo(f"model {model.version} -> {out}: {heads}", err=True)


@main.command()
@click.option("--model", "model_dir", type=click.Path(), help="model directory (default: the active model)")
@click.option("--data", required=True, type=click.Path(), help="labelled CSV")
@column_options
@click.option("--report", type=click.Path(file_okay=False), help="also write an HTML report here")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object on stdout")
def evaluate(model_dir, data, report, as_json, **kw) -> None:
    """Measure a model on labelled complaints."""
    from training.data import DataError, read_table
    from training.evaluate import evaluate as run_evaluation
    from training.evaluate import write_report

    columns = _columns(kw)
    model = _load(model_dir)
    try:
        frame = read_table(data, columns)
    except DataError as exc:
        _fail(str(exc))
    if frame.empty:
        _fail(f"{data}: no complaint with text to evaluate on")
    result, details = run_evaluation(model, frame, columns)
    if report:
        write_report(result, details, model, report)
    if as_json:
        click.echo(json.dumps(result))
        return
    click.echo(f"{result['n']} complaints, model {model.version}")
    for head in ("category", "agency", "misinformation"):
        if head in result:
            click.echo(f"  {head:15s} " + "  ".join(
                f"{k}={v:.3f}" for k, v in result[head].items() if isinstance(v, float)))


@main.command()
@click.argument("text")
@click.option("--district", help="district (kecamatan) of the complaint")
@click.option("--model", "model_dir", type=click.Path(), help="model directory (default: the active model)")
def predict(text, district, model_dir) -> None:
    """Print the suggestion for TEXT ('-' reads standard input) as JSON."""
    from triage.config import hoax_index_path
    from triage.hoaxes import CatalogueMatcher
    from triage.service import InputError, SuggestionService

    if text == "-":
        text = sys.stdin.read()
    service = SuggestionService(_load(model_dir), catalogue=CatalogueMatcher(hoax_index_path()))
    try:
        suggestion = service.suggest({"text": text, "district": district})
    except InputError as exc:
        _fail(exc.message)
    click.echo(json.dumps(suggestion, ensure_ascii=False, indent=2))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
def serve(host, port, workers) -> None:
    """Run the web service under gunicorn."""
    try:
        registry.active_dir()
    except ModelError as exc:
        _fail(str(exc), 1)
    config.check()  # here rather than in each gunicorn worker, as one line
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # where each worker counts its requests for /metrics
        from triage.web.gunicorn_conf import METRICS_DIR_PREFIX  # removed by its on_exit hook

        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix=METRICS_DIR_PREFIX)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    os.execv(str(gunicorn), [str(gunicorn), "--chdir", str(PROJECT_ROOT), "--workers", str(workers),
                             "--bind", f"{host}:{port}", "--preload", "--config", "python:triage.web.gunicorn_conf",
                             "api:app"])


@main.command()
@click.argument("input_path", metavar="INPUT", required=False)
@click.option("-o", "--output", "output_path", help="OUTPUT file (.csv/.jsonl/.parquet, '-' stdout)")
@click.option("--pending", is_flag=True, help="re-score the complaints awaiting review in the database instead")
@click.option("--dry-run", is_flag=True, help="with --pending: report what would change, store nothing")
@click.option("--since", help="with --pending: only complaints received from this date (YYYY-MM-DD)")
@click.option("--text-col", default="text", show_default=True)
@click.option("--id-col", default="id", show_default=True, help="kept in the output; row numbers when absent")
@click.option("--district-col", default=None, help="column holding the district (kecamatan), passed to the model")
@click.option("--model", "model_dir", type=click.Path(), help="model directory (default: the active model)")
@click.option("--chunk-size", default=5000, show_default=True, type=int)
@click.option("--jobs", default=1, show_default=True, type=int, help="worker processes")
@click.option("--resume", is_flag=True, help="continue an interrupted run from its last completed chunk")
@click.option("--scheduler", help="run the chunks on Dask: tcp://host:port or local[N]")
@click.option("--no-catalogue", is_flag=True, help="do not match against the known-hoax catalogue (TRIAGE_HOAX_INDEX)")
@click.option("--quiet", is_flag=True, help="no progress bar or summary")
def reclassify(input_path, output_path, pending, dry_run, since, text_col, id_col, district_col, model_dir,
               chunk_size, jobs, resume, scheduler, no_catalogue, quiet) -> None:
    """Score every complaint in INPUT (CSV, JSON Lines or Parquet; '-' reads CSV from stdin) into OUTPUT,
    or with --pending re-score the database's review queue with the active model."""
    from triage.batch import BatchError, estimate_rows
    from triage.batch import reclassify as run
    from triage.config import hoax_index_path

    if pending:
        if input_path or output_path:
            _fail("--pending reads the database; give no INPUT or --output")
        _reclassify_pending(model_dir, since, dry_run)
        return
    if not input_path or not output_path:
        _fail("give INPUT and --output (or --pending)")
    if dry_run or since:
        _fail("--dry-run and --since go with --pending")
    directory = Path(model_dir) if model_dir else _active_dir()
    bar = None
    if not quiet and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=estimate_rows(input_path), unit=" rows", file=sys.stderr, smoothing=0.1)
    try:
        summary = run(input_path, output_path, directory, text_col=text_col, id_col=id_col or None,
                      chunk_size=chunk_size, jobs=jobs, resume=resume, progress=bar.update if bar else None,
                      scheduler=scheduler, district_col=district_col,
                      catalogue=None if no_catalogue else hoax_index_path())
    except (BatchError, ModelError) as exc:
        _fail(str(exc))
    finally:
        if bar:
            bar.close()
    if not quiet:
        click.echo(summary.line(output_path), err=True)
    if summary.scored == 0:
        _fail(f"{input_path}: no row could be scored", 1)


def _reclassify_pending(model_dir: str | None, since: str | None, dry_run: bool) -> None:
    from datetime import datetime

    from triage.complaints import ComplaintService
    from triage.config import hoax_index_path
    from triage.hoaxes import CatalogueMatcher
    from triage.service import SuggestionService

    try:
        start = datetime.fromisoformat(since) if since else None
    except ValueError:
        _fail(f"--since {since!r} is not a date (YYYY-MM-DD)")
    # The queue is scored as the service scores it: a complaint flagged by a catalogue match stays flagged.
    service = ComplaintService(SuggestionService(_load(model_dir), catalogue=CatalogueMatcher(hoax_index_path())))
    report = service.rescore_pending(_sessions(), since=start, dry_run=dry_run)
    click.echo(json.dumps(report, indent=2, ensure_ascii=False))


INGEST_FIELDS = ("external_id", "text", "channel", "district", "received_at", "reporter", "reporter_confidential")


@main.command()
@click.argument("input_path", metavar="INPUT")
@click.option("--id-col", default="external_id", show_default=True, help="column with the complaint's own id "
              "(LAPOR! tracking number); a complaint already stored under it is left as it is")
@click.option("--text-col", default="text", show_default=True)
@click.option("--channel", "default_channel", default="web", show_default=True,
              help="channel of rows without a channel column value (web, sms, social, email, phone, other)")
@click.option("--model", "model_dir", type=click.Path(), help="model directory (default: the active model)")
@click.option("--no-catalogue", is_flag=True, help="do not match against the known-hoax catalogue (TRIAGE_HOAX_INDEX)")
def ingest(input_path, id_col, text_col, default_channel, model_dir, no_catalogue) -> None:
    """Store the complaints of INPUT (CSV, JSON Lines or Parquet; '-' reads CSV from stdin) in the database with
    their suggestions, as POST /api/v1/complaints does: idempotent on the id column. Optional columns: channel,
    district, received_at, reporter, reporter_confidential. A refused row is named on stderr (exit 2) and the
    others are stored; prints a JSON summary."""
    from triage.accounts import Principal
    from triage.batch import BatchError, read_chunks
    from triage.complaints import CHANNELS, MAX_BATCH, ComplaintService
    from triage.config import hoax_index_path
    from triage.hoaxes import CatalogueMatcher
    from triage.service import InputError, SuggestionService

    if default_channel not in CHANNELS:
        _fail(f"--channel {default_channel!r}: one of {', '.join(CHANNELS)}")
    suggestions = SuggestionService(_load(model_dir),
                                    catalogue=None if no_catalogue else CatalogueMatcher(hoax_index_path()))
    service, sessions = ComplaintService(suggestions), _sessions()
    operator = Principal(None, _operator(), "integration", None)
    renames = {id_col: "external_id", text_col: "text"}
    counts = {"rows": 0, "stored": 0, "known": 0, "refused": 0}
    try:
        for chunk in read_chunks(input_path, MAX_BATCH):
            chunk = chunk.rename(columns=renames)
            missing = [given for name, given in (("external_id", id_col), ("text", text_col)) if name not in chunk]
            if missing:
                _fail(f"{input_path}: no column {', '.join(repr(c) for c in missing)} (see --id-col, --text-col)")
            items = [_ingest_item(record, default_channel)
                     for record in chunk[[c for c in INGEST_FIELDS if c in chunk]].to_dict("records")]
            for result in service.ingest_each(sessions, operator, items):
                counts["rows"] += 1
                if isinstance(result, InputError):
                    counts["refused"] += 1
                    click.echo(f"triage: error: {input_path} row {counts['rows']}: {result.code}: {result.message}",
                               err=True)
                else:
                    counts["stored" if result["created"] else "known"] += 1
    except BatchError as exc:
        _fail(str(exc))
    if counts["rows"] == 0:
        _fail(f"{input_path}: no rows")
    click.echo(json.dumps(counts))
    if counts["refused"]:
        sys.exit(EXIT_BAD_INPUT)


def _ingest_item(record: dict, default_channel: str) -> dict:
    """A file row (all strings) as the API's complaint object: empty cells are absent, yes/no as booleans."""
    item = {key: value for key, value in record.items() if value != ""}
    item.setdefault("channel", default_channel)
    confidential = item.get("reporter_confidential")
    if confidential is not None:
        answers = {"true": True, "1": True, "ya": True, "false": False, "0": False, "tidak": False}
        item["reporter_confidential"] = answers.get(confidential.strip().lower(), confidential)
    return item


def _active_dir() -> Path:
    try:
        return registry.active_dir()
    except ModelError as exc:
        _fail(str(exc), 1)


@main.group()
def models() -> None:
    """Registered model versions."""


@models.command("ensure-default")
def ensure_default() -> None:
    """Build the default model from data/ when no model is active."""
    from training.train import ensure_default as build

    version, built = build()
    click.echo(f"{'built' if built else 'active'} model {version} in {models_dir()}", err=True)


@models.command("list")
def list_models() -> None:
    """Versions, newest last; the active one is marked with *."""
    active = registry.active_version()
    for version in registry.versions():
        click.echo(f"{'*' if version == active else ' '} {version}")


def _operator() -> str:
    """Who runs the command, for the audit trail: the OS user."""
    import getpass

    return getpass.getuser()


def _record(action: str, **detail) -> None:
    """An audit event for a change made at the command line (by the OS user); a warning if it cannot be
    written, since the change itself has happened."""
    from sqlalchemy.exc import SQLAlchemyError

    from triage.store.tables import AuditEvent, utcnow

    try:
        with _sessions().begin() as session:
            session.add(AuditEvent(at=utcnow(), user_id=None, action=action,
                                   detail={"via": "cli", "by": _operator(), **detail}))
    except SQLAlchemyError as exc:
        click.echo(f"triage: warning: {action} not written to the audit trail: {exc.__class__.__name__}", err=True)


@models.command("activate")
@click.argument("version")
def activate_model(version) -> None:
    """Make VERSION the active model; running services switch within TRIAGE_RELOAD_SECONDS (audited)."""
    previous = registry.active_version()
    try:
        registry.activate(version)
    except ModelError as exc:
        _fail(str(exc), 1)
    _record("model.activated", version=version, previous=previous)
    click.echo(f"active model {version}", err=True)


@models.command("rollback")
def rollback_model() -> None:
    """Re-activate the version that was active before the current one (audited)."""
    previous = registry.active_version()
    try:
        version = registry.rollback()
    except ModelError as exc:
        _fail(str(exc), 1)
    _record("model.rolled_back", version=version, previous=previous)
    click.echo(f"active model {version}", err=True)


@models.command("show")
@click.argument("version", required=False)
def show_model(version) -> None:
    """Print a version's model card (default: the active one)."""
    version = version or registry.active_version()
    card = models_dir() / str(version) / "card.json"
    if not version or not card.is_file():
        _fail(f"no model card for version {version!r} in {models_dir()}", 1)
    click.echo(card.read_text(encoding="utf-8"))


@main.command("audit")
@click.option("--action", help="an action (complaint.decided) or its group (complaint, model, user, job, hoaxes, queue)")
@click.option("--user", "username", help="only this user's events")
@click.option("--complaint", "complaint_id", type=click.IntRange(min=1), help="only this complaint's events")
@click.option("--since", help="from this date or date-time (Asia/Jakarta unless it names a zone)")
@click.option("--until", help="before this date-time; a date alone includes that day")
@click.option("--limit", type=click.IntRange(min=1), help="at most this many events (default: all)")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header instead of JSON Lines")
def audit_trail(action, username, complaint_id, since, until, limit, as_csv) -> None:
    """Print the audit trail, newest first: one JSON object a line, or CSV."""
    from triage import audit
    from triage.accounts import COMMAND_LINE
    from triage.service import InputError

    filters = {"action": action, "user": username, "complaint_id": complaint_id, "since": since, "until": until}
    try:
        if as_csv:
            for chunk in audit.export_csv(_sessions(), COMMAND_LINE, filters, limit):
                click.echo(chunk, nl=False)
            return
        printed, cursor = 0, None
        with _sessions()() as session:
            while limit is None or printed < limit:
                page_size = audit.MAX_LIMIT if limit is None else min(audit.MAX_LIMIT, limit - printed)
                page = audit.list_events(session, COMMAND_LINE, {**filters, "limit": page_size, "cursor": cursor})
                for event in page["items"]:
                    click.echo(json.dumps(event, ensure_ascii=False))
                printed += len(page["items"])
                cursor = page["next_cursor"]
                if cursor is None:
                    break
    except InputError as exc:
        _fail(f"{exc.code}: {exc.message}")


@main.command("export-complaints")
@click.option("-o", "--output", "output_path", default="-", show_default=True, help="CSV file ('-' stdout)")
@click.option("--status", help="status, or several separated by commas (pending_review, needs_verification, routed, "
              "resolved)")
@click.option("--agency", help="agency code (decided, else suggested)")
@click.option("--category", help="category code (decided, else suggested)")
@click.option("--district")
@click.option("--search", "q", help="words in the (masked) text, or a complaint number (#123) or external id")
@click.option("--flagged/--not-flagged", default=None, help="only flagged (or only unflagged) as misinformation")
@click.option("--overdue/--on-time", default=None, help="only past (or within) the routing deadline")
@click.option("--received-from", help="date or date-time (Asia/Jakarta unless a zone is given)")
@click.option("--received-to", help="date (that day included) or date-time")
def export_complaints(output_path, **filters) -> None:
    """Write the stored complaints matching the filters (those of GET /api/v1/complaints) as CSV, oldest first:
    masked text, decided and suggested routing, deadlines; never the reporter. Audited as queue.exported."""
    from triage.accounts import Principal
    from triage.complaints import ComplaintService
    from triage.service import InputError

    operator = Principal(None, _operator(), "coordinator", None)  # whoever holds the database sees every complaint
    try:
        out = sys.stdout if output_path == "-" else open(output_path, "w", encoding="utf-8", newline="")  # noqa: SIM115
    except OSError as exc:
        _fail(f"{output_path}: cannot write ({exc.strerror})")
    try:
        out.writelines(ComplaintService(None).export_csv(_sessions(), operator, filters))
    except InputError as exc:
        _fail(f"{exc.code}: {exc.message}")
    finally:
        if out is not sys.stdout:
            out.close()


@main.command("recap")
@click.option("--received-from", help="first day (YYYY-MM-DD) or date-time; open when absent")
@click.option("--received-to", help="last day, included (YYYY-MM-DD), or date-time; open when absent")
@click.option("--csv", "as_csv", is_flag=True, help="CSV (one row per agency, then TOTAL) instead of JSON")
def period_recap(received_from, received_to, as_csv) -> None:
    """Complaints received in a period, per agency and in total: awaiting review, routed, resolved, routed late,
    unrouted past the routing deadline, median hours to route and days to resolve (as GET /api/v1/stats/recap)."""
    from triage.accounts import COMMAND_LINE
    from triage.recap import recap, recap_csv
    from triage.service import InputError
    from triage.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    try:
        with _sessions()() as session:
            report = recap(session, COMMAND_LINE, {"received_from": received_from, "received_to": received_to},
                           lambda code: taxonomy.name("agency", code))
    except InputError as exc:
        _fail(f"{exc.code}: {exc.message}")
    if as_csv:
        sys.stdout.writelines(recap_csv(report))
    else:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))


@main.command("stats")
def dashboard_stats() -> None:
    """The dashboard's figures as JSON, computed now (as GET /api/v1/stats?fresh=true): counts by status, category
    and agency, overdue ones, weekly volumes, and how often each model version's suggestions were accepted."""
    from triage.stats import stats

    with _sessions()() as session:
        click.echo(json.dumps(stats(session), indent=2, ensure_ascii=False))


@main.command("export-training")
@click.option("-o", "--output", "output_path", required=True, help="CSV or .parquet file to write")
@click.option("--extra", multiple=True, type=click.Path(), help="external resolved cases (CSV/Parquet, repeatable)")
@click.option("--no-bulk", is_flag=True, help="leave out bulk-accepted decisions (they repeat the model's choice)")
def export_training(output_path, extra, no_bulk) -> None:
    """Write the humans' decisions as labelled, masked, de-duplicated training examples."""
    from training.data import DataError
    from training.export import decided_examples, with_extras

    with _sessions()() as session:
        frame = decided_examples(session, include_bulk=not no_bulk)
    try:
        frame = with_extras(frame, list(extra))
    except DataError as exc:
        _fail(str(exc))
    if output_path.endswith(".parquet"):
        frame.to_parquet(output_path, index=False)
    else:
        frame.to_csv(output_path, index=False)
    bulk = int(frame.bulk.astype(bool).sum())
    click.echo(f"{len(frame):,} examples ({bulk:,} bulk-accepted) -> {output_path}", err=True)


@main.command()
@click.option("--extra", multiple=True, type=click.Path(), help="external resolved cases (CSV/Parquet, repeatable)")
@click.option("--since", help="learn only from decisions made on or after this date (YYYY-MM-DD)")
@click.option("--holdout-days", type=click.IntRange(min=1),
              help="hold out the newest N days of decisions (default 14, or the newest 20 %)")
@click.option("--no-bulk", is_flag=True, help="leave out bulk-accepted decisions (they repeat the model's choice)")
@click.option("--dry-run", is_flag=True, help="train and gate, print the verdict, register nothing")
@click.option("--force", is_flag=True, help="activate even if the gate fails (recorded in the audit trail)")
@click.option("--tolerance", default=0.01, show_default=True, help="allowed fall of agency macro-F1 / top-1")
@click.option("--max-ece", default=0.15, show_default=True, help="largest expected calibration error allowed")
@click.option("--by", "who", help="who runs it, for the model card and audit (default: the OS user)")
@click.option("--reason", help="why, for the model card and audit")
def retrain(extra, since, holdout_days, no_bulk, dry_run, force, tolerance, max_ece, who, reason) -> None:
    """Train a candidate on the seed corpus + confirmed decisions, gate it against the active model on the
    newest decisions, register it, and activate it only when it passes. Prints the summary as JSON;
    exit code 3 when the gate rejects the candidate."""
    from datetime import datetime

    from training.data import DataError
    from training.gate import GateRules
    from training.retrain import RetrainError
    from training.retrain import retrain as run

    try:
        start = datetime.fromisoformat(since) if since else None
    except ValueError:
        _fail(f"--since {since!r} is not a date (YYYY-MM-DD)")
    try:
        summary = run(_sessions(), extras=tuple(extra), since=start, holdout_days=holdout_days,
                      include_bulk=not no_bulk, dry_run=dry_run, force=force, who=who, reason=reason,
                      rules=GateRules(tolerance=tolerance, max_ece=max_ece))
    except (DataError, RetrainError, ModelError) as exc:
        _fail(str(exc), 1)
    click.echo(json.dumps(summary, indent=2, ensure_ascii=False, default=str))
    gate = summary["gate"]
    verdict = "passed" if gate["passed"] else "failed: " + "; ".join(f"{f['rule']}: {f['message']}"
                                                                     for f in gate["failed"])
    click.echo(f"candidate {summary['version']} {summary['status']} (gate {verdict})", err=True)
    if not gate["passed"] and not summary["forced"]:
        sys.exit(EXIT_GATE_FAILED)


@main.group()
def hoaxes() -> None:
    """The known-hoax catalogue (uses TRIAGE_DATABASE_URL; match index at TRIAGE_HOAX_INDEX)."""


@hoaxes.command("import")
@click.argument("path", type=click.Path())
def import_hoaxes(path) -> None:
    """Add the entries of a CSV or JSON Lines file (title, claim|text, verdict|label, url, date, tags);
    entries already catalogued are skipped; the match index is extended."""
    from triage.catalogue import import_entries
    from triage.config import hoax_index_path
    from triage.hoaxes import CatalogueError, read_catalogue

    try:
        entries = read_catalogue(path)
    except CatalogueError as exc:
        _fail(str(exc))
    result = import_entries(_sessions(), entries, Path(path).name, hoax_index_path())
    click.echo(f"{result['added']:,} added, {result['skipped']:,} already catalogued; "
               f"{result['catalogue']:,} entries indexed", err=True)


@hoaxes.command("reindex")
def reindex_hoaxes() -> None:
    """Rebuild the match index (TRIAGE_HOAX_INDEX) from the catalogue in the database, e.g. after `db copy`
    to another machine; running services pick it up like an import."""
    from triage.catalogue import sync_index
    from triage.config import hoax_index_path

    size = sync_index(_sessions(), hoax_index_path(), rebuild=True)
    click.echo(f"{size:,} entries indexed in {hoax_index_path()}", err=True)


@hoaxes.command("list")
@click.option("--search", "q", help="words in the title or claim")
@click.option("--verdict", help="hoax, valid, ...")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000))
def list_hoaxes(q, verdict, limit) -> None:
    """Catalogue entries, newest first: id, verdict, date, title, url."""
    from triage.catalogue import list_entries

    with _sessions()() as session:
        listing = list_entries(session, None, q=q, verdict=verdict, limit=limit)
    for entry in listing["entries"]:
        click.echo(f"{entry['id']}\t{entry['verdict']}\t{entry['date'] or '-'}\t{entry['title'][:80]}\t"
                   f"{entry['url'] or '-'}")
    click.echo(f"{listing['total']:,} entries", err=True)


@main.group()
def users() -> None:
    """Users and API tokens (uses TRIAGE_DATABASE_URL or the SQLite file under instance/)."""


def _sessions():
    from triage.config import database_url
    from triage.store.db import open_database

    return open_database(database_url())[1]


def _change_account(change, *args):
    """Run one account change (a `triage.accounts` function) in a transaction, naming the operator for the
    audit trail; its AccountError becomes a one-line error (exit 2)."""
    from triage.accounts import AccountError

    try:
        with _sessions().begin() as session:
            return change(session, *args, by=_operator(), via="cli")
    except AccountError as exc:
        _fail(str(exc))


@users.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(["coordinator", "agency", "auditor", "integration"]))
@click.option("--agency", help="agency code (required for --role agency)")
def add_user(name, role, agency) -> None:
    """Create a user and print its API token (shown only once)."""
    from triage import accounts

    if agency and agency not in (known := _known_agencies()):
        _fail(f"unknown agency code {agency!r}; known: {', '.join(sorted(known))}")
    _, token = _change_account(accounts.add_user, name, role, agency)
    click.echo(token)


def _known_agencies() -> set[str]:
    """The taxonomy's agency codes and those the active model learned (read from its card, without loading it), as
    the service accepts them."""
    from triage.model import CARD_FILE
    from triage.taxonomy import load_taxonomy

    known = set(load_taxonomy().agencies)
    try:
        card = json.loads((registry.active_dir() / CARD_FILE).read_text(encoding="utf-8"))
    except (ModelError, OSError, ValueError):
        return known
    return known | set(card.get("labels", {}).get("agency", []))


@users.command("passwd")
@click.argument("name")
def set_password(name) -> None:
    """Set NAME's password for the web UI (asked twice on a terminal; else read from one line of stdin)."""
    from triage import accounts

    if sys.stdin.isatty():
        password = click.prompt("Kata sandi", hide_input=True, confirmation_prompt="Ulangi kata sandi")
    else:
        password = sys.stdin.readline().rstrip("\n")
    _change_account(accounts.set_password, name, password)
    click.echo(f"password set for {name}", err=True)


@users.command("list")
def list_users() -> None:
    """Users with role, agency and whether they are active."""
    from triage.accounts import list_users as all_users

    with _sessions()() as session:
        for user in all_users(session):
            click.echo(f"{user.username}\t{user.role}\t{user.agency or '-'}\t{'active' if user.active else 'disabled'}")


@users.command("disable")
@click.argument("name")
def disable_user(name) -> None:
    """Disable a user; their tokens stop working at once."""
    from triage import accounts

    _change_account(accounts.disable_user, name)
    click.echo(f"disabled {name}", err=True)


@users.command("enable")
@click.argument("name")
def enable_user(name) -> None:
    """Let a disabled user in again, with the tokens and password they had."""
    from triage import accounts

    _change_account(accounts.enable_user, name)
    click.echo(f"enabled {name}", err=True)


@users.command("token")
@click.argument("name")
def replace_token(name) -> None:
    """Revoke every API token of NAME and print a new one (shown only once), e.g. after a leak."""
    from triage import accounts

    click.echo(_change_account(accounts.replace_token, name))



@main.command("changes")
@click.option("--after", default=0, show_default=True, type=int, help="the last change id already handled")
@click.option("--limit", default=100, show_default=True, type=int, help="at most this many (1-500)")
def list_changes(after, limit) -> None:
    """Routing, follow-ups, hand-backs and resolutions after change id AFTER, as the LAPOR! synchronisation
    reads them from GET /api/v1/changes. Prints one JSON object: items and next_after."""
    from triage.accounts import COMMAND_LINE
    from triage.changes import list_changes as read
    from triage.service import InputError

    sync = dataclasses.replace(COMMAND_LINE, role="integration")
    try:
        with _sessions()() as session:
            result = read(session, sync, after, limit)
    except InputError as exc:
        _fail(f"--{exc.code.removeprefix('invalid_')}: {exc.message}")
    click.echo(json.dumps(result, ensure_ascii=False))


@main.group()
def jobs() -> None:
    """Background reclassification jobs of the service (uploaded on the Berkas page or the API)."""


@jobs.command("list")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 200))
def list_jobs(limit) -> None:
    """Newest first: id, status, rows done, uploaded at, by whom, file name (and the error of a failed job)."""
    from triage.jobs import list_jobs as recent

    with _sessions()() as session:
        for job in recent(session, limit):
            error = f"\t{' '.join(job['error'].split())}" if job["error"] else ""  # one line per job
            click.echo(f"{job['id']}\t{job['status']}\t{job['rows_done']}\t{job['created_at']}\t{job['created_by']}\t"
                       f"{job['filename'] or '-'}{error}")


@jobs.command("delete")
@click.argument("job_id")
def delete_job(job_id) -> None:
    """Remove an ended job's result and rejected rows (the job stays listed as deleted); audited as job.deleted."""
    from triage.accounts import Principal
    from triage.complaints import Conflict, NotFound
    from triage.jobs import JobService

    operator = Principal(None, _operator(), "coordinator", None)
    try:
        job = JobService(_sessions(), model_dir=None).delete(operator, job_id)
    except NotFound as exc:
        _fail(f"{job_id}: {exc}")
    except Conflict as exc:
        _fail(f"{job_id}: {exc}", 1)
    click.echo(json.dumps(job, ensure_ascii=False))


@jobs.command("purge")
@click.option("--older-than", "days", required=True, type=click.IntRange(min=1), help="days since the job ended")
@click.option("--dry-run", is_flag=True, help="only list the jobs whose files would be removed")
def purge_jobs(days, dry_run) -> None:
    """Remove the result files of jobs that ended more than DAYS ago (e.g. nightly from cron); prints
    {"jobs": [ids], "dry_run": ...}. Each job stays listed as deleted and is audited as job.deleted."""
    from triage.jobs import JobService

    removed = JobService(_sessions(), model_dir=None).purge(days, by=_operator(), dry_run=dry_run)
    click.echo(json.dumps({"jobs": removed, "dry_run": dry_run}))


@main.command("purge-identities")
@click.option("--older-than", "days", required=True, type=int, help="days since resolution (at least 30)")
@click.option("--dry-run", is_flag=True, help="only count what would be purged")
def purge_identities(days, dry_run) -> None:
    """Erase the reporter and the unmasked text of complaints resolved more than DAYS days ago and mask personal
    data in the officers' texts on them (the masked text, decisions and audit trail stay). Prints
    {"complaints": N, "officer_texts": M, "resolved_before": ..., "dry_run": ...}."""
    from triage.retention import purge_identities as purge
    from triage.service import InputError

    try:
        result = purge(_sessions(), None, days, dry_run=dry_run, by=_operator())
    except InputError as exc:
        _fail(f"--older-than: {exc.message}")
    click.echo(json.dumps(result))


@main.group()
def db() -> None:
    """The database itself: copies for backup or for moving to PostgreSQL, its schema's revision."""


def _database(value: str) -> str:
    """A SQLAlchemy URL as given, or a file path for a SQLite database."""
    return value if "://" in value else f"sqlite:///{Path(value).resolve()}"


def _existing_database(option: str, value: str) -> str:
    """`_database(value)`, refused when it names a SQLite file that does not exist: opening it would create an
    empty database (a mistyped path copied 0 rows)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    url = _database(value)
    try:
        parsed = make_url(url)
    except ArgumentError:
        _fail(f"{option}: not a database URL or file path")
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:") \
            and not Path(parsed.database).is_file():
        _fail(f"{option} {parsed.database}: no such database file")
    return url


@db.command("copy")
@click.option("--to", "target", required=True, help="URL of an empty database, or a file path for a new SQLite file")
@click.option("--from", "source", help="URL or SQLite file path to copy (default: TRIAGE_DATABASE_URL or instance/)")
def copy_db(target, source) -> None:
    """Copy every complaint, decision, user and audit event, ids kept, into an empty database: a consistent
    backup while the service runs, or the move from SQLite to PostgreSQL. Prints rows per table as JSON."""
    from sqlalchemy.exc import SQLAlchemyError

    from triage.config import database_url
    from triage.store.copy import CopyError, copy_database
    from triage.store.db import shown_url

    source_url, target_url = _existing_database("--from", source) if source else database_url(), _database(target)
    try:
        rows = copy_database(source_url, target_url, by=_operator())
    except CopyError as exc:
        _fail(f"db copy: {exc}")
    except SQLAlchemyError as exc:
        _fail(f"db copy {shown_url(source_url)} -> {shown_url(target_url)}: {exc.__class__.__name__}: "
              f"{str(exc.orig if getattr(exc, 'orig', None) else exc).splitlines()[0]}", 1)
    click.echo(json.dumps(rows))
    click.echo(f"copied {sum(rows.values()):,} rows into {shown_url(target_url)}", err=True)


_DATABASE = click.option("--database", help="URL or SQLite file path (default: TRIAGE_DATABASE_URL or instance/)")


def _schema_engine(database: str | None):
    from triage.config import database_url
    from triage.store.db import make_engine

    return make_engine(_existing_database("--database", database) if database else database_url())


@db.command("upgrade")
@_DATABASE
def upgrade_db(database) -> None:
    """Bring the schema to the newest revision now, rather than when the service or a command first opens the
    database (a migration over millions of complaints takes minutes). Prints the revisions before and after
    as JSON; a change is audited."""
    from triage.store.db import migrate

    before, after = migrate(_schema_engine(database), by=_operator())
    click.echo(json.dumps({"from": before, "to": after}))


@db.command("downgrade")
@click.argument("revision")
@_DATABASE
@click.option("--yes", is_flag=True, help="undo the revisions listed without --yes, dropping what they hold")
def downgrade_db(revision, database, yes) -> None:
    """Take the schema back down to REVISION before going back to an older release: stop the service, take a
    backup (triage db copy), run this with the newer release, then start the older one. Without --yes it only
    lists the revisions it would undo. Prints the revisions before and after as JSON; audited."""
    from triage.store.db import downgrade, schema_revision, schema_revisions

    known = [key for key, _ in schema_revisions()]
    if revision not in known:
        _fail(f"db downgrade: unknown revision {revision!r} (known: {', '.join(known)})")
    engine = _schema_engine(database)
    current = schema_revision(engine)
    if current is None:
        _fail("db downgrade: the database has no schema yet")
    if current not in known:
        _fail(f"db downgrade: the database is at revision {current}, which this release does not know")
    if known.index(revision) > known.index(current):
        _fail(f"db downgrade: the database is at revision {current}, older than {revision} (triage db upgrade)")
    undone = schema_revisions()[known.index(revision) + 1:known.index(current) + 1]
    if undone and not yes:
        for key, doc in reversed(undone):
            click.echo(f"would undo {key}: {doc}", err=True)
        _fail(f"db downgrade: {len(undone)} revision(s) to undo; what they added is dropped: take a backup "
              "(triage db copy), then add --yes")
    before, after = downgrade(engine, revision, by=_operator())
    click.echo(json.dumps({"from": before, "to": after}))

if __name__ == "__main__":
    main()
