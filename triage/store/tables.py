"""Database tables (SQLAlchemy 2.x). Times are stored as naive UTC.

Suggestions, decisions, resolutions and audit events are append-only: a revised decision is a new
row, never an update in place. `complaints` holds the current state (status, routing, revision) so
queues can be filtered and sorted in SQL.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, TypeDecorator, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

STATUSES = ("pending_review", "needs_verification", "routed", "resolved", "duplicate")
ROLES = ("coordinator", "agency", "auditor", "integration")


class _WithoutNul(TypeDecorator):
    """Text with any U+0000 (NUL) removed on the way in, on both databases: PostgreSQL cannot store it and it
    carries no meaning, so a complaint that contains one is still accepted (and searches match the same way)."""

    def process_bind_param(self, value, dialect):
        return value.replace("\x00", "") if isinstance(value, str) else value


class Str(_WithoutNul):
    impl = String
    cache_ok = True  # read from each class itself


class LongText(_WithoutNul):
    impl = Text
    cache_ok = True


def utcnow() -> datetime:
    """Now as naive UTC, the form every stored time takes."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(Str(80), unique=True)
    role: Mapped[str] = mapped_column(Str(20))
    agency: Mapped[str | None] = mapped_column(Str(80))
    password_hash: Mapped[str | None] = mapped_column(Str(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    token_hash: Mapped[str] = mapped_column(Str(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship()


REPORTED_COLUMNS = ("received_at", "status", "category", "suggested_category", "agency", "suggested_agency", "due_at",
                    "routed_at", "routing_due_at", "responded_at", "response_due_at", "resolved_at", "reopened_at")


class Complaint(Base):
    __tablename__ = "complaints"
    # the queue's order; with the id the page's ids come from the index alone (PostgreSQL; SQLite keys hold it)
    __table_args__ = (Index("ix_complaints_status_due", "status", "due_at", "id"),
                      # covers the dashboard's aggregates and the period recap, so they never read the texts
                      Index("ix_complaints_reports", *REPORTED_COLUMNS),
                      # an agency's queue (routed to it, by due date) from the index alone
                      Index("ix_complaints_agency", "agency", "status", "due_at", "id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(Str(120), unique=True)
    channel: Mapped[str] = mapped_column(Str(40))
    district: Mapped[str | None] = mapped_column(Str(120))
    text_masked: Mapped[str] = mapped_column(LongText)
    text_original: Mapped[str] = mapped_column(LongText)
    reporter: Mapped[str | None] = mapped_column(Str(255))
    reporter_confidential: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(Str(20), index=True)
    received_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    routed_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    due_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    category: Mapped[str | None] = mapped_column(Str(80), index=True)
    agency: Mapped[str | None] = mapped_column(Str(80))
    misinformation: Mapped[bool | None] = mapped_column(Boolean)
    # Denormalised from the latest suggestion, for queue filters and agency visibility.
    suggested_agency: Mapped[str | None] = mapped_column(Str(80), index=True)
    suggested_category: Mapped[str | None] = mapped_column(Str(80))
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    # The agency that handed its routing back, until the complaint is routed again.
    returned_by: Mapped[str | None] = mapped_column(Str(80))
    # The routed agency's first follow-up since the complaint was routed to it (meets the response deadline).
    responded_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The latest time a coordinator reopened it after a resolution the reporter objected to.
    reopened_at: Mapped[datetime | None] = mapped_column(DateTime)
    # SOP deadlines kept for the period recap, which counts them in SQL: routing from receipt (set at intake), the
    # agency's response from the current routing (set with `routed_at`, cleared with it).
    routing_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    response_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    # A duplicate report ("laporan ganda") closed into the complaint it repeats, and when. No foreign key: the
    # service checks the id, complaints are never deleted, and `triage db copy` inserts rows in id order.
    duplicate_of: Mapped[int | None] = mapped_column(Integer, index=True)
    merged_at: Mapped[datetime | None] = mapped_column(DateTime)

    suggestions: Mapped[list[Suggestion]] = relationship(order_by="Suggestion.id")
    decisions: Mapped[list[Decision]] = relationship(order_by="Decision.id")
    resolutions: Mapped[list[Resolution]] = relationship(order_by="Resolution.id")
    returns: Mapped[list[RoutingReturn]] = relationship(order_by="RoutingReturn.id")
    follow_ups: Mapped[list[FollowUp]] = relationship(order_by="FollowUp.id")
    reopenings: Mapped[list[Reopening]] = relationship(order_by="Reopening.id")


# PostgreSQL only (migration 0012, when pg_trgm can be created): trigrams of the text the queue searches with
# `lower(text_masked) LIKE '%q%'`, so a search need not read every text
Index("ix_complaints_text_trgm", func.lower(Complaint.text_masked).label("text_lower"), postgresql_using="gin",
      postgresql_ops={"text_lower": "gin_trgm_ops"}).ddl_if(dialect="postgresql")

class Suggestion(Base):
    __tablename__ = "suggestions"
    __table_args__ = (Index("ix_suggestions_week", "created_at", "model_version", "needs_review"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    model_version: Mapped[str] = mapped_column(Str(80), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    category_top: Mapped[list] = mapped_column(JSON)
    agency_top: Mapped[list] = mapped_column(JSON)
    top_agency_probability: Mapped[float | None] = mapped_column(Float)
    misinformation_score: Mapped[float | None] = mapped_column(Float)
    misinformation_flag: Mapped[bool] = mapped_column(Boolean, default=False)
    misinformation_reasons: Mapped[list] = mapped_column(JSON)
    misinformation_match: Mapped[dict | None] = mapped_column(JSON)  # best known-hoax match {id, similarity, ...}
    needs_review: Mapped[bool] = mapped_column(Boolean, default=True)
    explanation: Mapped[list] = mapped_column(JSON)


class Decision(Base):
    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_week", "decided_at", "suggestion_id", "matched_top1"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    suggestion_id: Mapped[int | None] = mapped_column(ForeignKey("suggestions.id"), index=True)
    decided_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    category: Mapped[str] = mapped_column(Str(80))
    agency: Mapped[str] = mapped_column(Str(80))
    misinformation: Mapped[bool] = mapped_column(Boolean, default=False)
    matched_top1: Mapped[bool] = mapped_column(Boolean)
    matched_top3: Mapped[bool] = mapped_column(Boolean)
    bulk: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(LongText)
    revision: Mapped[int] = mapped_column(Integer)
    hoax_id: Mapped[int | None] = mapped_column(ForeignKey("hoaxes.id"))  # catalogue entry a confirmed hoax repeats

    user: Mapped[User] = relationship()


class RoutingReturn(Base):
    """An agency liaison handed a complaint routed to their agency back to the coordinators ("bukan
    kewenangan kami"), with the reason; the complaint waits for routing again."""

    __tablename__ = "returns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    returned_at: Mapped[datetime] = mapped_column(DateTime)
    agency: Mapped[str] = mapped_column(Str(80))
    reason: Mapped[str] = mapped_column(LongText)
    revision: Mapped[int] = mapped_column(Integer)

    user: Mapped[User] = relationship()


class Reopening(Base):
    """A coordinator reopened a resolved complaint because the reporter objected to the outcome, with the
    reason; it went back to the agency it was routed to (or to review, if it never was routed)."""

    __tablename__ = "reopenings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime)
    agency: Mapped[str | None] = mapped_column(Str(80))
    reason: Mapped[str] = mapped_column(LongText)
    revision: Mapped[int] = mapped_column(Integer)

    user: Mapped[User] = relationship()


class FollowUp(Base):
    """A follow-up ("tindak lanjut") of the routed agency: what it has done or will do. The first one since
    routing meets the SOP response deadline; the complaint then runs to the resolution deadline."""

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime)
    agency: Mapped[str] = mapped_column(Str(80))
    text: Mapped[str] = mapped_column(LongText)

    user: Mapped[User] = relationship()


class Resolution(Base):
    __tablename__ = "resolutions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime] = mapped_column(DateTime)
    outcome: Mapped[str] = mapped_column(LongText)
    final_agency: Mapped[str] = mapped_column(Str(80))


class Hoax(Base):
    """A debunked (or confirmed) claim in the known-hoax catalogue. `fingerprint` (hash of the normalised
    title + claim) makes imports idempotent."""

    __tablename__ = "hoaxes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fingerprint: Mapped[str] = mapped_column(Str(64), unique=True)
    title: Mapped[str] = mapped_column(Str(500))
    claim: Mapped[str] = mapped_column(LongText)
    verdict: Mapped[str] = mapped_column(Str(40), index=True)
    url: Mapped[str] = mapped_column(Str(1000))
    published: Mapped[str] = mapped_column(Str(40))
    tags: Mapped[list] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(Str(200))
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"))
    added_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(Str(60))
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"), index=True)
    detail: Mapped[dict] = mapped_column(JSON)


class Job(Base):
    """A background reclassification of an uploaded file. A worker claims it and renews `heartbeat_at`
    while it runs; a job whose heartbeat is stale (its worker died) is claimed again and resumes."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(Str(32), primary_key=True)
    kind: Mapped[str] = mapped_column(Str(20))
    status: Mapped[str] = mapped_column(Str(20), index=True)  # queued, running, done, failed
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime)
    claimed_by: Mapped[str | None] = mapped_column(Str(80))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    filename: Mapped[str | None] = mapped_column(Str(255))  # as uploaded; None for jobs from before 0008
    input_path: Mapped[str] = mapped_column(LongText)
    output_path: Mapped[str] = mapped_column(LongText)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int | None] = mapped_column(Integer)  # set when done
    summary: Mapped[str | None] = mapped_column(LongText)
    error: Mapped[str | None] = mapped_column(LongText)
