"""Database tables. Times are stored as UTC; every table a KPI needs keeps its timestamps."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps no zone, so store naive UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    pass


class Site(Base):
    """A place in the district → street → neighbourhood committee hierarchy."""

    __tablename__ = "sites"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))  # district | street | committee
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("sites.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)


class Center(Base):
    """A community affairs service center whose clerks serve the kiosks enrolled to it."""

    __tablename__ = "centers"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    site_id: Mapped[str | None] = mapped_column(ForeignKey("sites.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)


class Skill(Base):
    __tablename__ = "skills"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))


class StaffSkill(Base):
    __tablename__ = "staff_skills"
    staff_id: Mapped[str] = mapped_column(
        ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True
    )
    skill_code: Mapped[str] = mapped_column(ForeignKey("skills.code"), primary_key=True)


class Staff(Base):
    __tablename__ = "staff"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    center_id: Mapped[str] = mapped_column(ForeignKey("centers.id"), index=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # clerk | supervisor | admin
    window_no: Mapped[str | None] = mapped_column(String(20))
    #: available / away as last chosen, restored after a server restart
    last_state: Mapped[str] = mapped_column(String(20), default="away")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    skills: Mapped[list[StaffSkill]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class StaffSession(Base):
    __tablename__ = "staff_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class Kiosk(Base):
    __tablename__ = "kiosks"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    center_id: Mapped[str] = mapped_column(ForeignKey("centers.id"), index=True)
    site_id: Mapped[str | None] = mapped_column(ForeignKey("sites.id"))
    name: Mapped[str] = mapped_column(String(120))
    enrollment_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    enrollment_expires_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    credential_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    enrolled_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)


class CatalogItem(Base):
    __tablename__ = "catalog_items"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    department: Mapped[str | None] = mapped_column(String(200))
    skill_code: Mapped[str] = mapped_column(String(40), index=True)
    materials: Mapped[list[str]] = mapped_column(JSON, default=list)
    remote_eligible: Mapped[bool | None] = mapped_column(Boolean)
    time_limit_days: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    sources: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)


class ServiceRequest(Base):
    """A resident's request for a clerk, from joining the queue to the end of the call."""

    __tablename__ = "service_requests"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    center_id: Mapped[str] = mapped_column(ForeignKey("centers.id"), index=True)
    kiosk_id: Mapped[str] = mapped_column(ForeignKey("kiosks.id"), index=True)
    item_code: Mapped[str] = mapped_column(String(40))
    skill: Mapped[str] = mapped_column(String(40))
    priority: Mapped[int] = mapped_column(Integer, default=0)
    identified: Mapped[bool] = mapped_column(Boolean, default=False)
    #: waiting | held | ringing | in_call | ended | left
    status: Mapped[str] = mapped_column(String(20), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    first_ring_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    answered_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    clerk_id: Mapped[str | None] = mapped_column(String(40), index=True)
    call_id: Mapped[str | None] = mapped_column(String(40), unique=True)
    end_reason: Mapped[str | None] = mapped_column(String(20))
    ended_by: Mapped[str | None] = mapped_column(String(20))
    outcome: Mapped[str | None] = mapped_column(String(40))
    wait_s: Mapped[float | None] = mapped_column(Float)
    handle_s: Mapped[float | None] = mapped_column(Float)


class RingAttempt(Base):
    """Each time a request rang at a clerk, and how that ring ended."""

    __tablename__ = "ring_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("service_requests.id"), index=True)
    clerk_id: Mapped[str] = mapped_column(String(40), index=True)
    rang_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    #: accepted | declined | timeout | cancelled | kiosk_lost | clerk_lost
    result: Mapped[str | None] = mapped_column(String(20))


class AuditEvent(Base):
    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    actor_kind: Mapped[str] = mapped_column(String(20))  # staff | kiosk | admin | system
    actor_id: Mapped[str | None] = mapped_column(String(80))
    center_id: Mapped[str | None] = mapped_column(String(40), index=True)
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str | None] = mapped_column(String(120))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


# --- Case records (written by the records service in center.records) ---------------------


class CenterCode(Base):
    """The short code that starts a center's case numbers (``JA01-20261122-0007``)."""

    __tablename__ = "center_codes"
    center_id: Mapped[str] = mapped_column(ForeignKey("centers.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)


class CaseSequence(Base):
    """The last case number issued per center and (the center's local) day."""

    __tablename__ = "case_sequences"
    center_id: Mapped[str] = mapped_column(ForeignKey("centers.id"), primary_key=True)
    day: Mapped[str] = mapped_column(String(8), primary_key=True)  # YYYYMMDD
    last_no: Mapped[int] = mapped_column(Integer)


class Case(Base):
    """One resident's matter handled in one service request: who, what, how it ended, and
    the personal data (card, form values; pages live encrypted in the data dir) until the
    retention period purges it. Statistics columns survive the purge."""

    __tablename__ = "cases"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    case_number: Mapped[str] = mapped_column(String(40), unique=True)
    center_id: Mapped[str] = mapped_column(ForeignKey("centers.id"), index=True)
    request_id: Mapped[str] = mapped_column(String(40), unique=True)
    call_id: Mapped[str] = mapped_column(String(40), index=True)
    kiosk_id: Mapped[str] = mapped_column(String(40), index=True)
    kiosk_name: Mapped[str] = mapped_column(String(120), default="")
    site_id: Mapped[str | None] = mapped_column(String(40), index=True)
    clerk_id: Mapped[str | None] = mapped_column(String(40), index=True)
    clerk_name: Mapped[str] = mapped_column(String(80), default="")
    #: every clerk who held the case (a transferred call has several)
    clerk_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    item_code: Mapped[str] = mapped_column(String(40), index=True)
    item_name: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), index=True)  # open | closed
    #: accepted | needs_more | referred | cannot_be_done
    outcome: Mapped[str | None] = mapped_column(String(20), index=True)
    opened_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, index=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, index=True)
    #: card fields except the ID number: name, sex, nation, birth_date, address, valid_to...
    card: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    id_number_masked: Mapped[str | None] = mapped_column(String(40))
    #: AES-GCM ciphertext of the full number (base64), and its keyed hash for search
    id_number_sealed: Mapped[str | None] = mapped_column(Text)
    id_number_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    form: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    signature_page_id: Mapped[str | None] = mapped_column(String(64))
    missing_materials: Mapped[list[str]] = mapped_column(JSON, default=list)
    referred_to: Mapped[str] = mapped_column(String(200), default="")
    close_reason: Mapped[str] = mapped_column(Text, default="")
    close_note: Mapped[str] = mapped_column(Text, default="")
    rating_level: Mapped[int | None] = mapped_column(Integer)
    rating_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    rated_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    #: when the retention command removed the personal data
    purged_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class CaseEvent(Base):
    """The case's timeline: opened, card, page reviews, form, transfer, closed..."""

    __tablename__ = "case_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(80))  # "staff:<id>" | "kiosk:<id>" | "system"
    detail: Mapped[str] = mapped_column(Text, default="")


class PageReview(Base):
    """The clerk's verdict on one page of the case; a later verdict replaces it."""

    __tablename__ = "page_reviews"
    case_id: Mapped[str] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    page_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    accepted: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    by: Mapped[str] = mapped_column(String(40))


class FollowUp(Base):
    """办不成事: a matter that could not be done, for the center to follow up."""

    __tablename__ = "follow_ups"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    center_id: Mapped[str] = mapped_column(ForeignKey("centers.id"), index=True)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.id"), index=True)
    kiosk_id: Mapped[str | None] = mapped_column(String(40))
    site_id: Mapped[str | None] = mapped_column(String(40))
    item_code: Mapped[str | None] = mapped_column(String(40))
    clerk_id: Mapped[str | None] = mapped_column(String(40), index=True)
    source: Mapped[str] = mapped_column(String(20))  # kiosk | clerk
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), index=True)  # open | closed
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(40))
