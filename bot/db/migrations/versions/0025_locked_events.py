"""locked events: encrypted messages that came without their key and are not settled yet,
so that a bot killed while it waits for a key settles them after a restart.

Revision ID: 0025
Revises: 0024
Create Date: 2027-02-02
"""

import sqlalchemy as sa
from alembic import op

from bot.db.base import UTCDateTime

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "locked_event",
        sa.Column("platform", sa.String(16), primary_key=True),
        sa.Column("event_id", sa.String(255), primary_key=True),
        sa.Column("room_id", sa.String(255), nullable=False),
        sa.Column("arrived_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("locked_event")
