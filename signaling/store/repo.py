"""Queries and commands over the database, used by the server and the admin CLI."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from shared import catalog
from signaling import auth
from signaling.store.db import Database
from signaling.store.models import (
    AuditEvent,
    CatalogItem,
    Center,
    Kiosk,
    RingAttempt,
    ServiceRequest,
    Site,
    Skill,
    Staff,
    StaffSession,
    StaffSkill,
    utcnow,
)

T = TypeVar("T")

_ring_table = cast(Table, RingAttempt.__table__)
_CLOSE_RING = (
    update(_ring_table)
    .where(
        _ring_table.c.request_id == bindparam("of_request"),
        _ring_table.c.clerk_id == bindparam("of_clerk"),
        _ring_table.c.result.is_(None),
    )
    .values(result=bindparam("new_result"), ended_at=bindparam("closed_at"))
)


def _runs(rings: Sequence[dict[str, Any]]) -> list[tuple[bool, list[dict[str, Any]]]]:
    """Consecutive ring inserts or closes, batched, keeping each ring ahead of its result."""
    runs: list[tuple[bool, list[dict[str, Any]]]] = []
    for ring in rings:
        is_insert = ring.get("result") is None
        if runs and runs[-1][0] == is_insert:
            runs[-1][1].append(ring)
        else:
            runs.append((is_insert, [ring]))
    return runs


#: argon2 allocates 64 MiB per hash: a burst of logins must not multiply that (a thread
#: semaphore, since the hashing runs on worker threads and loops come and go in tests)
_HASHING = threading.BoundedSemaphore(2)


def _limited(function: Callable[..., T], *args: Any) -> T:
    with _HASHING:
        return function(*args)


async def _hash_password(password: str) -> str:
    return await asyncio.to_thread(_limited, auth.hash_password, password)


SITE_KINDS = ("district", "street", "committee")
ROLES = ("clerk", "supervisor", "admin")
#: request statuses that are still live (restored into the queue after a restart)
LIVE_STATUSES = ("waiting", "held", "ringing", "in_call")


class StoreError(ValueError):
    """A command that the data does not allow (unknown center, duplicate name...)."""


@dataclass(frozen=True, slots=True)
class StaffIdentity:
    staff_id: str
    center_id: str
    username: str
    display_name: str
    role: str
    window_no: str | None
    skills: tuple[str, ...]
    last_state: str


@dataclass(frozen=True, slots=True)
class KioskIdentity:
    kiosk_id: str
    center_id: str
    name: str
    site_name: str | None


@dataclass(frozen=True)
class Login:
    identity: StaffIdentity
    token: str
    expires_at: dt.datetime


def _staff_identity(staff: Staff) -> StaffIdentity:
    return StaffIdentity(
        staff_id=staff.id,
        center_id=staff.center_id,
        username=staff.username,
        display_name=staff.display_name,
        role=staff.role,
        window_no=staff.window_no,
        skills=tuple(sorted(s.skill_code for s in staff.skills)),
        last_state=staff.last_state,
    )


class Store:
    def __init__(self, database: Database) -> None:
        self.db = database

    # --- Sites, centers, skills ------------------------------------------------------------

    async def create_site(self, name: str, kind: str, parent_id: str | None = None) -> Site:
        if kind not in SITE_KINDS:
            raise StoreError(f"site kind must be one of {', '.join(SITE_KINDS)}")
        async with self.db.session() as session:
            if parent_id is not None and await session.get(Site, parent_id) is None:
                raise StoreError(f"no parent site {parent_id!r}")
            site = Site(id=auth.new_id("site"), name=name, kind=kind, parent_id=parent_id)
            session.add(site)
        return site

    async def list_sites(self) -> Sequence[Site]:
        async with self.db.session() as session:
            return (await session.scalars(select(Site).order_by(Site.kind, Site.name))).all()

    async def create_center(self, name: str, site_id: str | None = None) -> Center:
        async with self.db.session() as session:
            if site_id is not None and await session.get(Site, site_id) is None:
                raise StoreError(f"no site {site_id!r}")
            if await session.scalar(select(Center).where(Center.name == name)):
                raise StoreError(f"a center named {name!r} exists already")
            center = Center(id=auth.new_id("ctr"), name=name, site_id=site_id)
            session.add(center)
        return center

    async def list_centers(self) -> Sequence[Center]:
        async with self.db.session() as session:
            return (await session.scalars(select(Center).order_by(Center.name))).all()

    async def center_by_name_or_id(self, key: str) -> Center | None:
        async with self.db.session() as session:
            return await session.scalar(
                select(Center).where((Center.id == key) | (Center.name == key))
            )

    async def upsert_skill(self, code: str, name: str) -> None:
        async with self.db.session() as session:
            await self._ensure_skills(session, {code: name}, overwrite=True)

    async def list_skills(self) -> Sequence[Skill]:
        async with self.db.session() as session:
            return (await session.scalars(select(Skill).order_by(Skill.code))).all()

    async def _ensure_skills(
        self, session: AsyncSession, skills: dict[str, str], *, overwrite: bool = False
    ) -> None:
        for code, name in skills.items():
            skill = await session.get(Skill, code)
            if skill is None:
                session.add(Skill(code=code, name=name))
            elif overwrite:
                skill.name = name

    # --- Staff ------------------------------------------------------------------------------

    async def create_staff(
        self,
        *,
        center_id: str,
        username: str,
        display_name: str,
        password: str,
        role: str = "clerk",
        skills: Iterable[str] = (),
        window_no: str | None = None,
    ) -> StaffIdentity:
        if role not in ROLES:
            raise StoreError(f"role must be one of {', '.join(ROLES)}")
        if len(password) < 8:
            raise StoreError("a password needs at least 8 characters")
        async with self.db.session() as session:
            if await session.get(Center, center_id) is None:
                raise StoreError(f"no center {center_id!r}")
            if await session.scalar(select(Staff).where(Staff.username == username)):
                raise StoreError(f"username {username!r} is taken")
            codes = sorted(set(skills))
            await self._require_skills(session, codes)
            staff = Staff(
                id=auth.new_id("stf"),
                center_id=center_id,
                username=username,
                display_name=display_name,
                password_hash=await _hash_password(password),
                role=role,
                window_no=window_no,
                skills=[StaffSkill(skill_code=code) for code in codes],
            )
            session.add(staff)
            await session.flush()
            identity = _staff_identity(staff)
        await self.audit("admin", None, center_id, "staff.create", staff.id, {"role": role})
        return identity

    async def _require_skills(self, session: AsyncSession, codes: Sequence[str]) -> None:
        known = set((await session.scalars(select(Skill.code))).all())
        missing = [code for code in codes if code not in known]
        if missing:
            raise StoreError(f"unknown skill(s): {', '.join(missing)}")

    async def set_staff_skills(self, staff_id: str, skills: Iterable[str]) -> StaffIdentity:
        async with self.db.session() as session:
            staff = await session.get(Staff, staff_id)
            if staff is None:
                raise StoreError(f"no staff {staff_id!r}")
            codes = sorted(set(skills))
            await self._require_skills(session, codes)
            staff.skills = [StaffSkill(skill_code=code) for code in codes]
            await session.flush()
            return _staff_identity(staff)

    async def list_staff(self, center_id: str | None = None) -> list[StaffIdentity]:
        async with self.db.session() as session:
            query = select(Staff).order_by(Staff.username)
            if center_id is not None:
                query = query.where(Staff.center_id == center_id)
            return [_staff_identity(s) for s in (await session.scalars(query)).all()]

    async def staff_by_username(self, username: str) -> StaffIdentity | None:
        async with self.db.session() as session:
            staff = await session.scalar(select(Staff).where(Staff.username == username))
            return _staff_identity(staff) if staff else None

    async def login(self, username: str, password: str, ttl: dt.timedelta) -> Login | None:
        async with self.db.session() as session:
            staff = await session.scalar(
                select(Staff).where(Staff.username == username, Staff.active.is_(True))
            )
            # argon2 takes ~0.1 s of CPU on purpose: off the event loop, or every login
            # would stall routing for everyone
            verified = await asyncio.to_thread(
                _limited, auth.verify_password, staff.password_hash if staff else None, password
            )
            if not verified:
                return None
            assert staff is not None
            token = auth.new_staff_token()
            expires_at = utcnow() + ttl
            session.add(
                StaffSession(
                    token_hash=auth.digest(token), staff_id=staff.id, expires_at=expires_at
                )
            )
            identity = _staff_identity(staff)
        await self.audit("staff", identity.staff_id, identity.center_id, "staff.login", None)
        return Login(identity, token, expires_at)

    async def staff_by_token(self, token: str) -> StaffIdentity | None:
        if not token.startswith(auth.STAFF_TOKEN_PREFIX):
            return None
        async with self.db.session() as session:
            row = await session.scalar(
                select(StaffSession).where(StaffSession.token_hash == auth.digest(token))
            )
            if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
                return None
            staff = await session.get(Staff, row.staff_id)
            if staff is None or not staff.active:
                return None
            return _staff_identity(staff)

    async def logout(self, token: str) -> bool:
        async with self.db.session() as session:
            result = await session.execute(
                update(StaffSession)
                .where(
                    StaffSession.token_hash == auth.digest(token),
                    StaffSession.revoked_at.is_(None),
                )
                .values(revoked_at=utcnow())
            )
            return bool(getattr(result, "rowcount", 0))

    async def set_staff_last_state(self, staff_id: str, state: str) -> None:
        async with self.db.session() as session:
            await session.execute(
                update(Staff).where(Staff.id == staff_id).values(last_state=state)
            )

    # --- Kiosks -----------------------------------------------------------------------------

    async def create_kiosk(
        self,
        *,
        center_id: str,
        name: str,
        site_id: str | None = None,
        code_ttl: dt.timedelta = dt.timedelta(days=7),
    ) -> tuple[Kiosk, str]:
        """Register a kiosk and return its one-time enrollment code."""
        async with self.db.session() as session:
            if await session.get(Center, center_id) is None:
                raise StoreError(f"no center {center_id!r}")
            if site_id is not None:
                site = await session.get(Site, site_id)
                if site is None:
                    raise StoreError(f"no site {site_id!r}")
            code = auth.new_enrollment_code()
            kiosk = Kiosk(
                id=auth.new_id("ksk"),
                center_id=center_id,
                site_id=site_id,
                name=name,
                enrollment_code_hash=auth.digest(code),
                enrollment_expires_at=utcnow() + code_ttl,
            )
            session.add(kiosk)
        await self.audit("admin", None, center_id, "kiosk.create", kiosk.id, {"name": name})
        return kiosk, code

    async def reissue_enrollment(
        self, kiosk_id: str, code_ttl: dt.timedelta = dt.timedelta(days=7)
    ) -> str:
        """A new one-time code for a replaced or wiped kiosk; the old credential stops
        working."""
        async with self.db.session() as session:
            kiosk = await session.get(Kiosk, kiosk_id)
            if kiosk is None:
                raise StoreError(f"no kiosk {kiosk_id!r}")
            code = auth.new_enrollment_code()
            kiosk.enrollment_code_hash = auth.digest(code)
            kiosk.enrollment_expires_at = utcnow() + code_ttl
            kiosk.credential_hash = None
            center_id = kiosk.center_id
        await self.audit("admin", None, center_id, "kiosk.reissue", kiosk_id)
        return code

    async def enroll(self, code: str) -> tuple[KioskIdentity, str] | None:
        normalised = auth.normalise_enrollment_code(code)
        if not normalised:
            return None
        async with self.db.session() as session:
            kiosk = await session.scalar(
                select(Kiosk).where(Kiosk.enrollment_code_hash == auth.digest(normalised))
            )
            if (
                kiosk is None
                or kiosk.disabled_at is not None
                or kiosk.enrollment_expires_at is None
                or kiosk.enrollment_expires_at <= utcnow()
            ):
                return None
            credential = auth.new_kiosk_credential()
            kiosk.credential_hash = auth.digest(credential)
            kiosk.enrollment_code_hash = None
            kiosk.enrollment_expires_at = None
            kiosk.enrolled_at = utcnow()
            identity = await self._kiosk_identity(session, kiosk)
        await self.audit("kiosk", identity.kiosk_id, identity.center_id, "kiosk.enroll", None)
        return identity, credential

    async def kiosk_by_credential(self, credential: str) -> KioskIdentity | None:
        if not credential.startswith(auth.KIOSK_CREDENTIAL_PREFIX):
            return None
        async with self.db.session() as session:
            kiosk = await session.scalar(
                select(Kiosk).where(Kiosk.credential_hash == auth.digest(credential))
            )
            if kiosk is None or kiosk.disabled_at is not None:
                return None
            # read-only on purpose: every connection comes through here, and a write would
            # take SQLite's lock for each of thousands of kiosks reconnecting at once; the
            # hub records last-seen times in batches (touch_kiosks)
            return await self._kiosk_identity(session, kiosk)

    async def touch_kiosks(self, seen: dict[str, dt.datetime]) -> None:
        if not seen:
            return
        table = cast(Table, Kiosk.__table__)
        statement = (
            update(table)
            .where(table.c.id == bindparam("kiosk_id"))
            .values(last_seen_at=bindparam("seen_at"))
        )
        async with self.db.session() as session:
            await session.execute(
                statement, [{"kiosk_id": k, "seen_at": at} for k, at in seen.items()]
            )

    async def _kiosk_identity(self, session: AsyncSession, kiosk: Kiosk) -> KioskIdentity:
        site = await session.get(Site, kiosk.site_id) if kiosk.site_id else None
        return KioskIdentity(kiosk.id, kiosk.center_id, kiosk.name, site.name if site else None)

    async def list_kiosks(self, center_id: str | None = None) -> Sequence[Kiosk]:
        async with self.db.session() as session:
            query = select(Kiosk).order_by(Kiosk.name)
            if center_id is not None:
                query = query.where(Kiosk.center_id == center_id)
            return (await session.scalars(query)).all()

    async def disable_kiosk(self, kiosk_id: str) -> None:
        async with self.db.session() as session:
            kiosk = await session.get(Kiosk, kiosk_id)
            if kiosk is None:
                raise StoreError(f"no kiosk {kiosk_id!r}")
            kiosk.disabled_at = utcnow()
            kiosk.credential_hash = None
            center_id = kiosk.center_id
        await self.audit("admin", None, center_id, "kiosk.disable", kiosk_id)

    # --- Catalog ----------------------------------------------------------------------------

    async def import_catalog(self, items: Sequence[catalog.CatalogItem]) -> tuple[int, int]:
        """Insert or update items by code; returns (created, updated)."""
        created = updated = 0
        async with self.db.session() as session:
            skills = {item.skill: catalog.SKILLS.get(item.skill, item.skill) for item in items}
            await self._ensure_skills(session, skills)
            existing = {
                row.code: row
                for row in (
                    await session.scalars(
                        select(CatalogItem).where(CatalogItem.code.in_([i.code for i in items]))
                    )
                ).all()
            }
            for item in items:
                values: dict[str, Any] = {
                    "name": item.name,
                    "department": item.department,
                    "skill_code": item.skill,
                    "materials": list(item.materials),
                    "remote_eligible": item.remote_eligible,
                    "time_limit_days": item.time_limit_days,
                    "notes": item.notes,
                    "sources": list(item.sources),
                    "updated_at": utcnow(),
                }
                row = existing.get(item.code)
                if row is None:
                    session.add(CatalogItem(code=item.code, **values))
                    created += 1
                else:
                    for key, value in values.items():
                        setattr(row, key, value)
                    updated += 1
        await self.audit(
            "admin", None, None, "catalog.import", None, {"created": created, "updated": updated}
        )
        return created, updated

    async def catalog_items(self) -> list[catalog.CatalogItem]:
        async with self.db.session() as session:
            rows = (await session.scalars(select(CatalogItem).order_by(CatalogItem.code))).all()
            return [
                catalog.CatalogItem(
                    code=row.code,
                    name=row.name,
                    department=row.department,
                    skill=row.skill_code,
                    materials=tuple(row.materials or ()),
                    remote_eligible=row.remote_eligible,
                    time_limit_days=row.time_limit_days,
                    notes=row.notes,
                    sources=tuple(row.sources or ()),
                )
                for row in rows
            ]

    # --- Requests (written behind by the hub) -----------------------------------------------

    async def save_requests(
        self, rows: Sequence[dict[str, Any]], rings: Sequence[dict[str, Any]]
    ) -> None:
        """Upsert request rows (by id), then apply ring-attempt changes in order, in one
        transaction. Core statements with many parameter sets: thousands of rows a second
        cost milliseconds, where one ORM object per row fell behind under load."""
        async with self.db.session() as session:
            if rows:
                await session.execute(self._request_upsert(), list(rows))
            for is_insert, run in _runs(rings):
                if is_insert:
                    await session.execute(insert(_ring_table), run)
                else:
                    await session.execute(
                        _CLOSE_RING,
                        [
                            {
                                "of_request": r["request_id"],
                                "of_clerk": r["clerk_id"],
                                "new_result": r["result"],
                                "closed_at": r["ended_at"],
                            }
                            for r in run
                        ],
                    )

    def _request_upsert(self) -> Any:
        table = cast(Table, ServiceRequest.__table__)
        statement = (sqlite.insert if self.db.is_sqlite else postgresql.insert)(table)
        return statement.on_conflict_do_update(
            index_elements=["id"],
            set_={c.name: statement.excluded[c.name] for c in table.columns if c.name != "id"},
        )

    async def live_requests(self) -> Sequence[ServiceRequest]:
        async with self.db.session() as session:
            query = (
                select(ServiceRequest)
                .where(ServiceRequest.status.in_(LIVE_STATUSES))
                .order_by(ServiceRequest.created_at)
            )
            return (await session.scalars(query)).all()

    async def request(self, request_id: str) -> ServiceRequest | None:
        async with self.db.session() as session:
            return await session.get(ServiceRequest, request_id)

    async def ring_attempts(self, request_id: str) -> Sequence[RingAttempt]:
        async with self.db.session() as session:
            query = (
                select(RingAttempt)
                .where(RingAttempt.request_id == request_id)
                .order_by(RingAttempt.id)
            )
            return (await session.scalars(query)).all()

    async def kiosk_names(self, kiosk_ids: Iterable[str]) -> dict[str, KioskIdentity]:
        async with self.db.session() as session:
            kiosks = (
                await session.scalars(select(Kiosk).where(Kiosk.id.in_(list(kiosk_ids))))
            ).all()
            return {k.id: await self._kiosk_identity(session, k) for k in kiosks}

    # --- Audit ------------------------------------------------------------------------------

    async def audit(
        self,
        actor_kind: str,
        actor_id: str | None,
        center_id: str | None,
        action: str,
        target: str | None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        async with self.db.session() as session:
            session.add(
                AuditEvent(
                    actor_kind=actor_kind,
                    actor_id=actor_id,
                    center_id=center_id,
                    action=action,
                    target=target,
                    detail=detail or {},
                )
            )

    async def audit_events(self, action: str | None = None) -> Sequence[AuditEvent]:
        async with self.db.session() as session:
            query = select(AuditEvent).order_by(AuditEvent.id)
            if action is not None:
                query = query.where(AuditEvent.action == action)
            return (await session.scalars(query)).all()

    async def count(self, model: type[Any]) -> int:
        async with self.db.session() as session:
            return int(await session.scalar(select(func.count()).select_from(model)) or 0)
