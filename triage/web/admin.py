"""Admin pages in Bahasa Indonesia: queue, complaint detail with decision, new complaint, bulk accept,
dashboard, recap, models, background reclassification of files, the known-hoax catalogue, audit trail, users.

Every page calls the same service functions as the JSON API (`triage.complaints`, `triage.model_admin`,
`triage.user_admin`, `triage.jobs`);
this module only reads forms and query strings and renders templates.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

from flask import (
    Blueprint,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    send_from_directory,
    url_for,
)
from markupsafe import Markup, escape

from triage import audit, catalogue, deadlines, model_admin, user_admin
from triage.accounts import MIN_PASSWORD_LENGTH, PERMISSIONS, AccountError
from triage.complaints import AWAITING, Conflict, NotFound
from triage.config import hoax_index_path, max_text_chars, max_upload_bytes
from triage.hoaxes import CatalogueError, normalise_entry
from triage.jobs import FORMATS
from triage.service import InputError, number_in, whole_number_text
from triage.web import charts
from triage.web.auth import current_principal
from triage.web.common import (
    QUEUE_ARGS,
    audit_csv_response,
    audit_filters,
    complaints_csv_response,
    dashboard_figures,
    flag,
    list_filters,
    recap_csv_response,
    recap_figures,
    services,
)

blueprint = Blueprint("admin", __name__)

STATUS_NAMES = {"pending_review": "Menunggu tinjauan", "needs_verification": "Perlu verifikasi",
                "routed": "Diteruskan", "resolved": "Selesai", "duplicate": "Laporan ganda"}
BULK_REASONS = {"needs_verification": "perlu verifikasi misinformasi", "not_awaiting_review": "sudah ditinjau",
                "no_suggestion": "tanpa saran", "below_threshold": "di bawah ambang", "not_found": "tidak ditemukan",
                "conflict": "diubah pengguna lain", "returned": "dikembalikan instansi, perlu diputuskan satu per satu"}
DEFAULT_BULK_THRESHOLD = 0.9
CHANNEL_NAMES = {"phone": "Telepon", "other": "Surat / datang langsung / lainnya", "email": "Surel",
                 "sms": "SMS 1708", "social": "Media sosial", "web": "Situs web LAPOR!"}
AUDIT_GROUPS = {"complaint": "Pengaduan", "model": "Model", "user": "Pengguna", "job": "Klasifikasi ulang berkas",
                "hoaxes": "Katalog hoaks", "queue": "Antrean", "database": "Basis data",
                "retention": "Retensi data pribadi"}
AUDIT_ACTIONS = {
    "complaint.ingested": "Pengaduan diterima", "complaint.decided": "Keputusan rute",
    "complaint.resolved": "Pengaduan diselesaikan", "complaint.returned": "Dikembalikan instansi",
    "complaint.identity_viewed": "Identitas pelapor dibuka", "complaint.followed_up": "Tindak lanjut instansi",
    "complaint.reopened": "Pengaduan dibuka kembali", "complaint.merged": "Digabung sebagai laporan ganda",
    "complaint.unmerged": "Dipisahkan dari laporan ganda", "retention.purged": "Data pribadi dihapus (retensi)",
    "queue.rescored": "Antrean dinilai ulang",
    "model.activated": "Model diaktifkan", "model.rolled_back": "Model dikembalikan",
    "model.retrain_requested": "Pelatihan ulang diminta", "model.retrained": "Pelatihan ulang selesai",
    "model.force_activated": "Model diaktifkan paksa", "job.created": "Pekerjaan klasifikasi ulang dibuat",
    "job.done": "Pekerjaan klasifikasi ulang selesai", "job.failed": "Pekerjaan klasifikasi ulang gagal",
    "job.deleted": "Berkas hasil klasifikasi ulang dihapus",
    "user.created": "Pengguna dibuat", "user.disabled": "Pengguna dinonaktifkan",
    "user.enabled": "Pengguna diaktifkan kembali", "user.token_replaced": "Token API diganti",
    "user.password_set": "Kata sandi diatur", "user.login": "Masuk", "user.login_failed": "Gagal masuk",
    "user.locked": "Akun dikunci", "hoaxes.imported": "Katalog hoaks diimpor",
    "hoaxes.added_from_complaint": "Hoaks dari pengaduan masuk katalog", "queue.exported": "Antrean diunduh (CSV)",
    "database.copied": "Basis data disalin",
}
ROLE_NAMES = {"coordinator": "Koordinator", "agency": "Penghubung instansi", "auditor": "Auditor",
              "integration": "Integrasi (token API saja)"}
ACCOUNT_ERRORS = {
    "user_exists": "Nama pengguna itu sudah dipakai.", "user_not_found": "Pengguna tidak ditemukan.",
    "invalid_username": "Nama pengguna 2–80 karakter: diawali huruf atau angka, lalu boleh juga . _ @ -",
    "invalid_role": "Pilih peran yang tersedia.",
    "invalid_agency": "Penghubung instansi perlu instansi yang dikenal; peran lain tidak memakai instansi.",
    "invalid_password": f"Kata sandi minimal {MIN_PASSWORD_LENGTH} karakter; pengguna integrasi tidak memakai "
                        "kata sandi.",
    "cannot_disable_self": "Anda tidak dapat menonaktifkan akun Anda sendiri.",
}
INTAKE_ERRORS = {"invalid_text": "isi pengaduan masih kosong.", "text_too_long": "isi pengaduan terlalu panjang.",
                 "invalid_received_at": "waktu diterima tidak terbaca.", "invalid_channel": "pilih saluran."}
VERDICT_NAMES = {"hoax": "Hoaks", "valid": "Benar"}
CATALOGUE_PAGE = 50
JOB_STATUS_NAMES = {"queued": "Menunggu giliran", "running": "Sedang diproses", "done": "Selesai", "failed": "Gagal",
                    "deleted": "Berkas hasil dihapus"}
# A retrain report is a standalone file with its own <style>; it may load only its own images.
REPORT_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'"


def _carried_args() -> dict:
    """The queue filters in the query string (not its cursor), carried from the queue to a complaint and back.
    Only those: another name could clash with a page's own arguments (`complaint_id`)."""
    return {k: v for k, v in request.args.items() if k in QUEUE_ARGS and v != ""}


def _queue_args() -> dict:
    """The queue's filters. By default coordinators see what awaits review and agency liaisons what was routed to
    their agency (their work: follow up and resolve)."""
    args = _carried_args()
    args.setdefault("status", "routed" if current_principal().role == "agency" else ",".join(AWAITING))
    return args


def _choices(kind: str) -> list[tuple[str, str]]:
    suggestions = services().suggestions
    return sorted((code, suggestions.taxonomy.name(kind, code)) for code in suggestions.known_codes(kind))


# Indonesian month names; strftime's %B / %b would follow the C locale ("October", "Oct"). The abbreviations are
# glibc's id_ID ones: "Agu", "Okt", "Des".
MONTH_NAMES = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
               "November", "Desember")
MONTHS = tuple(name[:3] for name in MONTH_NAMES)


@blueprint.app_template_filter("wib")
def wib(iso: str | None) -> str:
    """'2026-10-20T02:15:00Z' -> '20 Okt 2026 09.15 WIB'."""
    if not iso:
        return "–"
    moment = datetime.fromisoformat(iso).astimezone(deadlines.LOCAL)
    return f"{moment:%d} {MONTHS[moment.month - 1]} {moment:%Y %H.%M} WIB"


@blueprint.app_template_filter("period")
def period(start: str | None, end: str | None = None) -> str:
    """('2026-10-01', '2026-12-31') -> '1 Oktober 2026 – 31 Desember 2026' ('sejak ...', 'sampai ...' when one end
    is open; '' when both are). Date fields show the browser's own format (an English browser: mm/dd/yyyy), so the
    pages also say in words which days a filter covers. A value that is not a date is shown as given."""

    def words(day: str) -> str:
        try:
            moment = date.fromisoformat(day)
        except ValueError:
            return day
        return f"{moment.day} {MONTH_NAMES[moment.month - 1]} {moment.year}"

    if start and end:
        return f"{words(start)} – {words(end)}"
    if start:
        return f"sejak {words(start)}"
    return f"sampai {words(end)}" if end else ""


@blueprint.app_template_filter("due_soon")
def due_soon(iso: str | None) -> str:
    """'hari ini' or 'besok' when a deadline falls today or tomorrow (Asia/Jakarta), else ''."""
    if not iso:
        return ""
    days = (datetime.fromisoformat(iso).astimezone(deadlines.LOCAL).date() - datetime.now(deadlines.LOCAL).date()).days
    return {0: "hari ini", 1: "besok"}.get(days, "")


@blueprint.app_template_filter("age")
def age(iso: str | None) -> str:
    if not iso:
        return "–"
    delta = datetime.now(UTC) - datetime.fromisoformat(iso)
    days = delta.days
    return f"{days} hari" if days >= 1 else f"{max(0, delta.seconds // 3600)} jam"


@blueprint.app_template_filter("pct")
def pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f} %"


@blueprint.app_template_filter("ribuan")
def thousands(value: int | None) -> str:
    """12345 -> '12.345' (Indonesian thousands separator)."""
    return "–" if value is None else f"{value:,}".replace(",", ".")


@blueprint.app_template_filter("audit_label")
def audit_label(action: str) -> str:
    """An audit action in Bahasa Indonesia (the code itself when it has no label yet)."""
    return AUDIT_ACTIONS.get(action, action)


@blueprint.app_template_filter("highlight")
def highlight(text: str, explanation: list[dict] | None) -> Markup:
    """The text with the words that drove the suggestion wrapped in <mark> (everything else escaped)."""
    words = {w for item in explanation or [] for w in item.get("words", []) if w}
    if not words:
        return escape(text)
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
                         + r")(?!\w)", re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out += [escape(text[last:match.start()]), Markup("<mark>"), escape(match.group()), Markup("</mark>")]
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


@blueprint.get("/")
def home():
    current_principal()
    return redirect(url_for("admin.queue"))


@blueprint.get("/antrean")
def queue():
    user = current_principal()
    args = _queue_args()
    filters = list_filters(request.args, default_limit=50)
    filters["status"] = args["status"]
    with services().sessions() as db:
        named = services().complaints.find(db, user, filters["q"]) if filters.get("q") else None
        if named is not None:  # a complaint's number or tracking id: open it, whatever the status filter
            return redirect(url_for("admin.detail", complaint_id=named))
        page = services().complaints.list(db, user, filters)
    return render_template("antrean.html", user=user, page=page, args=args, status_names=STATUS_NAMES,
                           agencies=_choices("agency"), categories=_choices("category"),
                           threshold=DEFAULT_BULK_THRESHOLD)


@blueprint.get("/antrean/unduh")
def queue_download():
    """The queue as filtered on the page, every matching complaint, as CSV."""
    filters = list_filters(request.args)
    filters["status"] = _queue_args()["status"]
    return complaints_csv_response(current_principal(), filters)


@blueprint.get("/pengaduan/<int:complaint_id>")
def detail(complaint_id: int):
    return _detail_page(complaint_id)


@blueprint.post("/pengaduan/<int:complaint_id>/identitas")
def reveal_identity(complaint_id: int):
    """The same page with the reporter and the unmasked text (coordinators; audited). A POST, so that the
    identity is never in a URL, a browser history entry or a proxy log."""
    return _detail_page(complaint_id, identity=True)


def _detail_page(complaint_id: int, identity: bool = False):
    user = current_principal()
    args = _queue_args()
    complaints = services().complaints
    revealed = complaints.reveal_identity(services().sessions, user, complaint_id) if identity else None
    with services().sessions() as db:
        complaint = revealed or complaints.detail(db, user, complaint_id)
        similar = complaints.similar(db, user, complaint_id)
        around = complaints.neighbours(db, user, complaint_id, list_filters(args))  # parsed: flags as booleans
    return render_template("detail.html", user=user, c=complaint, s=complaint["suggestion"], similar=similar,
                           around=around, args=args, status_names=STATUS_NAMES,
                           agencies=_choices("agency"), categories=_choices("category"))


def _new_complaint_page(user, form: dict, status: int = 200):
    return render_template("baru.html", user=user, form=form, channels=CHANNEL_NAMES,
                           max_chars=max_text_chars()), status


@blueprint.get("/pengaduan/baru")
def new_complaint_form():
    user = current_principal()
    user.require("ingest")
    # The id is fixed when the form is drawn, so sending it twice stores one complaint.
    return _new_complaint_page(user, {"external_id": f"MANUAL-{uuid.uuid4().hex[:12].upper()}", "channel": "phone",
                                      "reporter_confidential": True})


@blueprint.post("/pengaduan/baru")
def new_complaint():
    user = current_principal()
    form = {key: request.form.get(key, "").strip() for key in ("external_id", "text", "channel", "district",
                                                                "received_at", "reporter")}
    form["reporter_confidential"] = request.form.get("reporter_confidential") == "1"
    item = {key: value for key, value in form.items() if value != ""}
    try:
        (result,), _ = services().complaints.ingest(services().sessions, user, item)
    except InputError as exc:
        flash(f"Pengaduan belum disimpan: {INTAKE_ERRORS.get(exc.code, exc.message)}")
        return _new_complaint_page(user, form, 422)
    if result["created"]:
        flash(f"Pengaduan #{result['id']} diterima dan diberi saran; silakan tinjau.")
    else:
        flash(f"Pengaduan ini sudah tercatat sebagai #{result['id']}.")
    return redirect(url_for("admin.detail", complaint_id=result["id"]))


@blueprint.post("/pengaduan/<int:complaint_id>/keputusan")
def decide(complaint_id: int):
    user = current_principal()
    form = request.form
    payload = {"category": form.get("category", "").strip(), "agency": form.get("agency", "").strip(),
               "misinformation": form.get("misinformation") == "1", "note": form.get("note") or None,
               "expected_revision": _form_revision()}
    if form.get("hoax_id", "").strip():
        payload["hoax_id"] = whole_number_text(form["hoax_id"], "invalid_hoax_id", "hoax_id is a catalogue entry number")
    result = services().complaints.decide(services().sessions, user, complaint_id, payload)
    flash(f"Pengaduan #{complaint_id} diteruskan ke {result['agency']} ({result['category']}).")
    args = _carried_args()
    next_id = number_in(form.get("next", ""))
    if next_id is not None:
        return redirect(url_for("admin.detail", complaint_id=next_id, **args))
    return redirect(url_for("admin.queue", **args))


@blueprint.post("/pengaduan/<int:complaint_id>/tindak-lanjut")
def follow_up(complaint_id: int):
    user = current_principal()
    result = services().complaints.follow_up(services().sessions, user, complaint_id,
                                             {"text": request.form.get("text", "")})
    flash(f"Tindak lanjut pengaduan #{complaint_id} tercatat."
          + (" Tenggat berikutnya: penyelesaian." if result["first"] else ""))
    return redirect(url_for("admin.detail", complaint_id=complaint_id, **_queue_args()))


@blueprint.post("/pengaduan/<int:complaint_id>/selesai")
def resolve(complaint_id: int):
    user = current_principal()
    payload = {"outcome": request.form.get("outcome", ""), "final_agency": request.form.get("final_agency", "").strip()}
    services().complaints.resolve(services().sessions, user, complaint_id, payload)
    flash(f"Pengaduan #{complaint_id} ditandai selesai.")
    return redirect(url_for("admin.queue", **_carried_args()))


def _form_revision() -> int:
    """The complaint's revision when the form was drawn (its hidden field), for the service's conflict check."""
    return whole_number_text(request.form.get("expected_revision", ""), "invalid_expected_revision",
                             "expected_revision is missing")


def _reason_form() -> dict:
    """A hand-back's or reopening's form as the service takes it: the reason and the revision it was read at."""
    return {"reason": request.form.get("reason", ""), "expected_revision": _form_revision()}


def _back_to(complaint_id: int):
    """The complaint's page again, with the queue filters it was opened from."""
    return redirect(url_for("admin.detail", complaint_id=complaint_id, **_carried_args()))


@blueprint.post("/pengaduan/<int:complaint_id>/kembalikan")
def return_routing(complaint_id: int):
    user = current_principal()
    services().complaints.return_routing(services().sessions, user, complaint_id, _reason_form())
    flash(f"Pengaduan #{complaint_id} dikembalikan ke koordinator.")
    return redirect(url_for("admin.queue", **_carried_args()))


@blueprint.post("/pengaduan/<int:complaint_id>/buka-kembali")
def reopen(complaint_id: int):
    user = current_principal()
    result = services().complaints.reopen(services().sessions, user, complaint_id, _reason_form())
    where = f"kembali ke {result['agency']}" if result["agency"] else "menunggu diteruskan"
    flash(f"Pengaduan #{complaint_id} dibuka kembali, {where}.")
    return _back_to(complaint_id)


@blueprint.post("/pengaduan/<int:complaint_id>/gabung")
def merge(complaint_id: int):
    user = current_principal()
    into = request.form.get("into", "").strip().lstrip("#")
    try:
        number = whole_number_text(into, "invalid_into", "'into' must be a complaint number")
        result = services().complaints.merge(services().sessions, user, complaint_id,
                                             {"into": number, "expected_revision": _form_revision()})
    except InputError as exc:
        if exc.code != "invalid_into":
            raise
        flash(f"Belum digabung: pengaduan #{into} tidak ada, sama dengan pengaduan ini, atau sendiri laporan ganda "
              "(gabungkan ke pengaduan yang diulangnya).")
        return _back_to(complaint_id)
    moved = f" {len(result['moved'])} laporan ganda lain ikut dipindahkan." if result["moved"] else ""
    flash(f"Pengaduan #{complaint_id} digabung sebagai laporan ganda dari #{result['duplicate_of']}.{moved}")
    return _back_to(complaint_id)


@blueprint.post("/pengaduan/<int:complaint_id>/pisahkan")
def unmerge(complaint_id: int):
    user = current_principal()
    services().complaints.unmerge(services().sessions, user, complaint_id, {"expected_revision": _form_revision()})
    flash(f"Pengaduan #{complaint_id} dipisahkan dan menunggu diteruskan.")
    return _back_to(complaint_id)


def _bulk_selection() -> tuple[list[int], float]:
    source = request.form if request.method == "POST" else request.args
    ids = [number for i in source.getlist("ids") if (number := number_in(i)) is not None]
    raw = source.get("ambang", str(DEFAULT_BULK_THRESHOLD)).replace(",", ".")
    try:
        threshold = float(raw)
    except ValueError:
        raise InputError("invalid_threshold", "ambang harus angka antara 0 dan 1") from None
    if not ids:
        raise InputError("invalid_ids", "Pilih minimal satu pengaduan di antrean.")
    return ids, threshold


@blueprint.route("/setujui-massal", methods=["GET", "POST"])
def bulk_accept():
    user = current_principal()
    ids, threshold = _bulk_selection()
    if request.method == "POST":
        result = services().complaints.bulk_accept(services().sessions, user, ids, threshold)
        flash(f"{len(result['accepted'])} pengaduan disetujui sesuai saran; {len(result['skipped'])} dilewati.")
        return redirect(url_for("admin.queue"))
    with services().sessions() as db:
        plan = services().complaints.bulk_candidates(db, user, ids, threshold)
    return render_template("massal.html", user=user, plan=plan, ids=ids, reasons=BULK_REASONS)


@blueprint.get("/dasbor")
def dashboard():
    user = current_principal()
    stats = dashboard_figures(user, fresh=bool(flag(request.args, "baru")))
    return render_template("dasbor.html", user=user, stats=stats, charts=charts.dashboard(stats),
                           status_names=STATUS_NAMES)


def _recap_args() -> dict:
    """The period from the query string; this year up to today when none is given."""
    args = {k: v for k, v in request.args.items() if k in ("received_from", "received_to") and v}
    if not args:
        today = datetime.now(deadlines.LOCAL).date()
        args = {"received_from": f"{today.year}-01-01", "received_to": today.isoformat()}
    return args


@blueprint.get("/rekap")
def period_recap():
    user = current_principal()
    args = _recap_args()
    report = recap_figures(user, args, fresh=bool(flag(request.args, "baru")))
    return render_template("rekap.html", user=user, report=report, args=args)


@blueprint.get("/rekap/unduh")
def recap_download():
    return recap_csv_response(recap_figures(current_principal(), _recap_args(), fresh=False))


@blueprint.get("/audit")
def audit_trail():
    user = current_principal()
    filters = audit_filters(request.args)
    with services().sessions() as db:
        page = audit.list_events(db, user, filters)
    args = {k: v for k, v in request.args.items() if k != "cursor" and v != ""}
    return render_template("audit.html", user=user, page=page, args=args, groups=AUDIT_GROUPS,
                           actions=AUDIT_ACTIONS)


@blueprint.get("/audit/unduh")
def audit_download():
    return audit_csv_response(current_principal(), audit_filters(request.args))


@blueprint.get("/model")
def models():
    user = current_principal()
    listing = model_admin.list_models(user, services().suggestions.registry_root)
    return render_template("model.html", user=user, listing=listing, serving=services().suggestions.model.version)


def _catalogue_page(user, check: dict | None = None, checked: str = "", form: dict | None = None,
                    status: int = 200):
    """The catalogue searched by the query string, with a message's check result and the add form's values."""
    args = {key: value for key in ("q", "verdict") if (value := request.args.get(key, "").strip())}
    offset = whole_number_text(request.args.get("offset") or "0", "invalid_offset", "offset must be a whole number")
    with services().sessions() as db:
        listing = catalogue.list_entries(db, user, q=args.get("q"), verdict=args.get("verdict"),
                                         limit=CATALOGUE_PAGE, offset=offset)
    return render_template("katalog.html", user=user, listing=listing, args=args, offset=offset,
                           page_size=CATALOGUE_PAGE, verdicts=VERDICT_NAMES, check=check, checked=checked,
                           form=form or {}), status


@blueprint.get("/katalog-hoaks")
def hoax_catalogue():
    return _catalogue_page(current_principal())


@blueprint.post("/katalog-hoaks/periksa")
def check_message():
    """A message that circulates, checked as a complaint would be: the misinformation score, its reasons and the
    catalogued hoax it repeats. Nothing is stored."""
    user = current_principal()
    user.require("stats")  # the page's own permission, before any scoring
    text = request.form.get("text", "")
    try:
        suggestion = services().suggestions.suggest({"text": text})
    except InputError:
        flash(f"Tempel pesan yang akan diperiksa (paling banyak {thousands(max_text_chars())} karakter).")
        return _catalogue_page(user, checked=text[:max_text_chars()], status=422)
    return _catalogue_page(user, check=suggestion["misinformation"], checked=text)


@blueprint.post("/katalog-hoaks")
def add_hoax():
    user = current_principal()
    form = {key: request.form.get(key, "").strip() for key in ("title", "claim", "verdict", "url", "date")}
    try:
        entry = normalise_entry(form, "formulir")
    except CatalogueError:
        flash("Isi judul atau klaim hoaks.")
        return _catalogue_page(user, form=form, status=422)
    result = catalogue.import_entries(services().sessions, [entry], f"web:{user.username}", hoax_index_path(), user)
    flash("Entri ditambahkan ke katalog; pengaduan yang mengulangnya kini dikenali." if result["added"]
          else "Entri yang sama sudah ada di katalog.")
    return redirect(url_for("admin.hoax_catalogue", q=entry["title"] or None))


@blueprint.post("/pengaduan/<int:complaint_id>/katalog-hoaks")
def add_to_catalogue(complaint_id: int):
    user = current_principal()
    entry = catalogue.add_from_complaint(services().sessions, user, complaint_id,
                                         {"title": request.form.get("title", ""), "url": request.form.get("url", "")},
                                         hoax_index_path())
    flash(f"Ditambahkan ke katalog hoaks sebagai entri #{entry['id']}.")
    return redirect(url_for("admin.detail", complaint_id=complaint_id))


@blueprint.get("/model/<version>/laporan/<name>")
def model_report(version: str, name: str):
    """A retrained version's HTML report and its PNGs (the report carries its own small stylesheet)."""
    directory = model_admin.report_file(current_principal(), services().suggestions.registry_root, version)
    response = send_from_directory(directory, name)
    response.headers["Content-Security-Policy"] = REPORT_POLICY
    return response


@blueprint.post("/model/<version>/aktifkan")
def activate(version: str):
    user = current_principal()
    model_admin.activate(services().sessions, user, services().suggestions.registry_root, version)
    flash(f"Model {version} diaktifkan. Semua proses layanan beralih dalam beberapa detik.")
    return redirect(url_for("admin.models"))


@blueprint.post("/model/latih-ulang")
def retrain():
    user = current_principal()
    try:
        model_admin.start_retrain(services().sessions, user, services().suggestions.registry_root,
                                  request.form.get("reason"))
    except model_admin.RetrainRunning as exc:
        flash(f"Pelatihan ulang belum bisa dimulai: masih ada yang berjalan ({exc}).")
    else:
        flash("Pelatihan ulang dimulai. Model baru diaktifkan hanya jika lulus gerbang evaluasi; "
              "muat ulang halaman ini untuk melihat hasilnya.")
    return redirect(url_for("admin.models"))


@blueprint.post("/model/kembalikan")
def rollback():
    user = current_principal()
    result = model_admin.rollback(services().sessions, user, services().suggestions.registry_root)
    flash(f"Dikembalikan ke model {result['active']}.")
    return redirect(url_for("admin.models"))


def _jobs_page(user, status: int = 200):
    return render_template("berkas.html", user=user, jobs=services().jobs.recent(user), statuses=JOB_STATUS_NAMES,
                           formats=FORMATS, max_mb=max_upload_bytes() // (1024 * 1024)), status


@blueprint.get("/berkas")
def jobs():
    return _jobs_page(current_principal())


@blueprint.post("/berkas")
def upload_job():
    user = current_principal()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash("Pilih berkas yang akan diklasifikasi ulang.")
        return _jobs_page(user, 422)
    try:
        job = services().jobs.create(user, upload.filename, upload.stream)
    except InputError:
        flash(f"Berkas {upload.filename} tidak dapat diproses: unggah berkas {', '.join(FORMATS)}.")
        return _jobs_page(user, 422)
    flash(f"Berkas {job['filename']} diterima dan menunggu giliran; halaman ini diperbarui sendiri.")
    return redirect(url_for("admin.jobs"))


def _job_file(job_id: str, path_of, suffix: str):
    """A finished job's file, named after the upload; back to the list with a message when there is none."""
    user = current_principal()
    try:
        path = path_of(user, job_id)
    except (Conflict, NotFound):
        flash("Berkas itu belum atau tidak tersedia.")
        return redirect(url_for("admin.jobs"))
    stem = Path(services().jobs.get(user, job_id)["filename"] or job_id).stem
    return send_file(path, mimetype="text/csv", as_attachment=True, download_name=f"{stem}-{suffix}.csv")


@blueprint.get("/berkas/<job_id>/hasil")
def job_result(job_id: str):
    return _job_file(job_id, services().jobs.result_path, "hasil")


@blueprint.post("/berkas/<job_id>/hapus")
def delete_job(job_id: str):
    job = services().jobs.delete(current_principal(), job_id)
    flash(f"Berkas hasil {job['filename'] or job_id} dihapus.")
    return redirect(url_for("admin.jobs"))


@blueprint.get("/berkas/<job_id>/ditolak")
def job_rejects(job_id: str):
    return _job_file(job_id, services().jobs.rejects_path, "ditolak")


def _users_page(user, form: dict, status: int = 200):
    with services().sessions() as db:
        users = user_admin.list_users(db, user)
    return render_template("pengguna.html", user=user, users=users, roles=ROLE_NAMES, form=form,
                           manage=user.role in PERMISSIONS["users"], agencies=_choices("agency"),
                           min_password=MIN_PASSWORD_LENGTH), status


def _token_page(user, account: dict, token: str, message: str):
    """The new token, shown once; never cached."""
    response = make_response(render_template("token.html", user=user, account=account, token=token, message=message))
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("/pengguna")
def users():
    return _users_page(current_principal(), {})


@blueprint.post("/pengguna")
def create_user():
    user = current_principal()
    form = {key: request.form.get(key, "").strip() for key in ("username", "role", "agency")}
    try:
        with services().sessions.begin() as db:
            account, token = user_admin.create_user(db, user, {**form, "password": request.form.get("password")},
                                                    services().suggestions.known_codes("agency"), via="web")
    except AccountError as exc:
        flash(ACCOUNT_ERRORS.get(exc.code, exc.message))
        return _users_page(user, form, 422)
    agency = f" {account['agency']}" if account["agency"] else ""
    return _token_page(user, account, token, f"Pengguna {account['username']} dibuat sebagai "
                                             f"{ROLE_NAMES[account['role']]}{agency}.")


def _change_user(change, username: str, *args):
    """Run one account change from the users page; its error becomes a message on that page."""
    user = current_principal()
    try:
        with services().sessions.begin() as db:
            return change(db, user, username, *args, via="web")
    except AccountError as exc:
        flash(ACCOUNT_ERRORS.get(exc.code, exc.message))
        return None


@blueprint.post("/pengguna/<username>/nonaktifkan")
def disable_user(username: str):
    if _change_user(user_admin.disable_user, username):
        flash(f"{username} dinonaktifkan: token dan sesinya langsung berhenti berlaku.")
    return redirect(url_for("admin.users"))


@blueprint.post("/pengguna/<username>/aktifkan")
def enable_user(username: str):
    if _change_user(user_admin.enable_user, username):
        flash(f"{username} aktif kembali, dengan token dan kata sandi yang dimilikinya.")
    return redirect(url_for("admin.users"))


@blueprint.post("/pengguna/<username>/kata-sandi")
def set_password(username: str):
    if _change_user(user_admin.set_password, username, request.form.get("password", "")):
        flash(f"Kata sandi {username} disimpan.")
    return redirect(url_for("admin.users"))


@blueprint.post("/pengguna/<username>/token")
def replace_token(username: str):
    changed = _change_user(user_admin.replace_token, username)
    if not changed:
        return redirect(url_for("admin.users"))
    account, token = changed
    return _token_page(current_principal(), account, token,
                       f"Semua token lama {username} dicabut; aplikasi yang memakainya perlu token baru ini.")
