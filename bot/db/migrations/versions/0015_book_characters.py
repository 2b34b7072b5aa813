"""book characters: the names the teacher lists for a book (season file `characters`),
so screening reads them as names in that class ("Sissy", "Dick Whittington")

Revision ID: 0015
Revises: 0010
Create Date: 2027-01-10
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("book") as batch_op:
        batch_op.add_column(sa.Column("characters", sa.JSON(), server_default="[]", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("book") as batch_op:
        batch_op.drop_column("characters")
