"""held media: a flag keeps the pictures or files of the message it holds

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("flag") as batch_op:
        batch_op.add_column(sa.Column("media", sa.JSON(), server_default="[]", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("flag") as batch_op:
        batch_op.drop_column("media")
