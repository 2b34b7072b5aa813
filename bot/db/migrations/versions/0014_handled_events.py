"""handled events: every incoming event the bot acted on, so history never replays it

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handled_event",
        sa.Column("platform", sa.String(16), primary_key=True),
        sa.Column("event_id", sa.String(255), primary_key=True),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_handled_event_at", "handled_event", ["at"])


def downgrade() -> None:
    op.drop_index("ix_handled_event_at", table_name="handled_event")
    op.drop_table("handled_event")
