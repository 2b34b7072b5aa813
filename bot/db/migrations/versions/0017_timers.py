"""timers: one durable table for everything that waits (retention, retries, room checks)

Revision ID: 0017
Revises: 0016
Create Date: 2027-01-10
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "timer",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(32), nullable=True),
        sa.Column("claim_boot", sa.String(16), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.UniqueConstraint("kind", "key", name="uq_timer_kind_key"),
    )
    op.create_index("ix_timer_due_at", "timer", ["due_at"])


def downgrade() -> None:
    op.drop_index("ix_timer_due_at", table_name="timer")
    op.drop_table("timer")
