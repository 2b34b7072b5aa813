"""timer claims index: (claimed_by, due_at), so finding the soonest free timer and the
timers another process holds reads a few index entries instead of every session's timer
(one row per session: 30,000 for 1,000 classes).

Revision ID: 0021
Revises: 0020
Create Date: 2027-01-20
"""

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_timer_claimed_by_due_at", "timer", ["claimed_by", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_timer_claimed_by_due_at", table_name="timer")
