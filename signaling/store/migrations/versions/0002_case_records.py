"""case records

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 10:37:33.290141
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "case_sequences",
        sa.Column("center_id", sa.String(length=40), nullable=False),
        sa.Column("day", sa.String(length=8), nullable=False),
        sa.Column("last_no", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["center_id"],
            ["centers.id"],
        ),
        sa.PrimaryKeyConstraint("center_id", "day"),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("case_number", sa.String(length=40), nullable=False),
        sa.Column("center_id", sa.String(length=40), nullable=False),
        sa.Column("request_id", sa.String(length=40), nullable=False),
        sa.Column("call_id", sa.String(length=40), nullable=False),
        sa.Column("kiosk_id", sa.String(length=40), nullable=False),
        sa.Column("kiosk_name", sa.String(length=120), nullable=False),
        sa.Column("site_id", sa.String(length=40), nullable=True),
        sa.Column("clerk_id", sa.String(length=40), nullable=True),
        sa.Column("clerk_name", sa.String(length=80), nullable=False),
        sa.Column("clerk_ids", sa.JSON(), nullable=False),
        sa.Column("item_code", sa.String(length=40), nullable=False),
        sa.Column("item_name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("card", sa.JSON(), nullable=True),
        sa.Column("id_number_masked", sa.String(length=40), nullable=True),
        sa.Column("id_number_sealed", sa.Text(), nullable=True),
        sa.Column("id_number_hash", sa.String(length=64), nullable=True),
        sa.Column("form", sa.JSON(), nullable=True),
        sa.Column("signature_page_id", sa.String(length=64), nullable=True),
        sa.Column("missing_materials", sa.JSON(), nullable=False),
        sa.Column("referred_to", sa.String(length=200), nullable=False),
        sa.Column("close_reason", sa.Text(), nullable=False),
        sa.Column("close_note", sa.Text(), nullable=False),
        sa.Column("rating_level", sa.Integer(), nullable=True),
        sa.Column("rating_reasons", sa.JSON(), nullable=False),
        sa.Column("rated_at", sa.DateTime(), nullable=True),
        sa.Column("purged_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["center_id"],
            ["centers.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_number"),
        sa.UniqueConstraint("request_id"),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_call_id"), ["call_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_center_id"), ["center_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_clerk_id"), ["clerk_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_closed_at"), ["closed_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_cases_id_number_hash"), ["id_number_hash"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_cases_item_code"), ["item_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_kiosk_id"), ["kiosk_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_opened_at"), ["opened_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_outcome"), ["outcome"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_status"), ["status"], unique=False)

    op.create_table(
        "center_codes",
        sa.Column("center_id", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["center_id"],
            ["centers.id"],
        ),
        sa.PrimaryKeyConstraint("center_id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_events_case_id"), ["case_id"], unique=False)

    op.create_table(
        "follow_ups",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("center_id", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=True),
        sa.Column("kiosk_id", sa.String(length=40), nullable=True),
        sa.Column("site_id", sa.String(length=40), nullable=True),
        sa.Column("item_code", sa.String(length=40), nullable=True),
        sa.Column("clerk_id", sa.String(length=40), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.ForeignKeyConstraint(
            ["center_id"],
            ["centers.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_ups_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_ups_center_id"), ["center_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_ups_clerk_id"), ["clerk_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_ups_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_ups_status"), ["status"], unique=False)

    op.create_table(
        "page_reviews",
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("page_id", sa.String(length=64), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id", "page_id"),
    )


def downgrade() -> None:

    op.drop_table("page_reviews")
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_ups_status"))
        batch_op.drop_index(batch_op.f("ix_follow_ups_created_at"))
        batch_op.drop_index(batch_op.f("ix_follow_ups_clerk_id"))
        batch_op.drop_index(batch_op.f("ix_follow_ups_center_id"))
        batch_op.drop_index(batch_op.f("ix_follow_ups_case_id"))

    op.drop_table("follow_ups")
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_events_case_id"))

    op.drop_table("case_events")
    op.drop_table("center_codes")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_status"))
        batch_op.drop_index(batch_op.f("ix_cases_site_id"))
        batch_op.drop_index(batch_op.f("ix_cases_outcome"))
        batch_op.drop_index(batch_op.f("ix_cases_opened_at"))
        batch_op.drop_index(batch_op.f("ix_cases_kiosk_id"))
        batch_op.drop_index(batch_op.f("ix_cases_item_code"))
        batch_op.drop_index(batch_op.f("ix_cases_id_number_hash"))
        batch_op.drop_index(batch_op.f("ix_cases_closed_at"))
        batch_op.drop_index(batch_op.f("ix_cases_clerk_id"))
        batch_op.drop_index(batch_op.f("ix_cases_center_id"))
        batch_op.drop_index(batch_op.f("ix_cases_call_id"))

    op.drop_table("cases")
    op.drop_table("case_sequences")
