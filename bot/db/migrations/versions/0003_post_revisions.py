"""post revisions: an edited message is screened again (Discord keeps its id)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# 0001 left the (platform, message_id) constraint unnamed: PostgreSQL named it itself,
# SQLite gets a name from this convention while the table is rebuilt
_UNNAMED = {"uq": "uq_%(table_name)s_%(column_0_N_name)s"}


def _old_name() -> str:
    # a database migrated before the naming convention (bot/db/base.py) has PostgreSQL's own
    # name; one migrated since has the convention's, as SQLite does
    for found in sa.inspect(op.get_bind()).get_unique_constraints("post"):
        if found["column_names"] == ["platform", "message_id"] and found["name"]:
            return found["name"]
    return "uq_post_platform_message_id"


def upgrade() -> None:
    with op.batch_alter_table("post", naming_convention=_UNNAMED) as batch_op:
        batch_op.add_column(
            sa.Column("revision", sa.String(length=64), server_default="", nullable=False)
        )
        batch_op.drop_constraint(_old_name(), type_="unique")
        batch_op.create_unique_constraint(
            "uq_post_message_revision", ["platform", "message_id", "revision"]
        )


def downgrade() -> None:
    with op.batch_alter_table("post") as batch_op:
        batch_op.drop_constraint("uq_post_message_revision", type_="unique")
        batch_op.create_unique_constraint(_old_name(), ["platform", "message_id"])
        batch_op.drop_column("revision")
