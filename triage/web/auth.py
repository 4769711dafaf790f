"""Login and logout for the admin pages (signed session cookie; CSRF-protected forms)."""

from __future__ import annotations

from datetime import UTC
from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for

from triage.accounts import (
    MIN_PASSWORD_LENGTH,
    AccountError,
    LockedOut,
    Principal,
    Unauthorized,
    active_principal,
    change_own_password,
    login,
    session_stamp,
)
from triage.deadlines import LOCAL
from triage.web.common import services

blueprint = Blueprint("auth", __name__)


def current_principal() -> Principal:
    """The logged-in user of this request (Unauthorized -> redirect to the login page)."""
    if "principal" not in g:
        with services().sessions() as db:
            g.principal = active_principal(db, session.get("user_id"), session.get("stamp"))
        g.user_id = g.principal.id
    return g.principal


def _safe_next(target: str | None) -> str:
    """Only local paths are followed after login (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("admin.queue")


@blueprint.route("/masuk", methods=["GET", "POST"])
def login_page():
    error = None
    if request.method == "POST":
        with services().sessions.begin() as db:  # failed attempts are committed too: they count to a lock-out
            try:
                user = login(db, request.form.get("username", "").strip(), request.form.get("password", ""))
                stamp = session_stamp(db, user.id)
            except LockedOut as exc:
                until = exc.until.replace(tzinfo=UTC).astimezone(LOCAL)
                error = f"Terlalu banyak percobaan gagal. Akun dikunci sampai pukul {until:%H.%M} WIB."
            except Unauthorized:
                error = "Nama pengguna atau kata sandi salah."
        if error is None:
            session.clear()
            session.permanent = True
            session["user_id"], session["stamp"] = user.id, stamp
            return redirect(_safe_next(request.args.get("next")))
    return render_template("masuk.html", error=error), 401 if error else 200


@blueprint.post("/keluar")
def logout():
    session.clear()
    return redirect(url_for("auth.login_page"))


@blueprint.get("/akun")
def account():
    return render_template("akun.html", user=current_principal(), min_password=MIN_PASSWORD_LENGTH)


@blueprint.post("/akun/kata-sandi")
def change_password():
    user = current_principal()
    new = request.form.get("new_password", "")
    if new != request.form.get("repeat_password", ""):
        flash("Kata sandi baru dan ulangannya tidak sama.")
        return redirect(url_for("auth.account"))
    try:
        with services().sessions.begin() as db:
            change_own_password(db, user, request.form.get("current_password", ""), new)
            session["stamp"] = session_stamp(db, user.id)  # this session stays; the user's others end
    except AccountError as exc:
        flash({"wrong_password": "Kata sandi sekarang salah.",
               "invalid_password": f"Kata sandi baru minimal {MIN_PASSWORD_LENGTH} karakter dan berbeda dari yang "
                                   "sekarang."}.get(exc.code, exc.message))
        return redirect(url_for("auth.account"))
    flash("Kata sandi Anda sudah diganti.")
    return redirect(url_for("auth.account"))
