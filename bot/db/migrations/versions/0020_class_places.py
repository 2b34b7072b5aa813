"""class places: the rooms of a class (its class room, its teacher room) as rows of their
own, backfilled from the classroom's columns, so a class can later have rooms on more than
one platform (connected classes). The classroom keeps its two columns for now.

Revision ID: 0020
Revises: 0019
Create Date: 2027-01-14
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

# the tables as this migration knows them (the code's models may have moved on)
_classroom = sa.table(
    "classroom",
    sa.column("id", sa.Integer()),
    sa.column("platform", sa.String()),
    sa.column("channel_id", sa.String()),
    sa.column("teacher_channel_id", sa.String()),
)
_place = sa.table(
    "class_place",
    sa.column("classroom_id", sa.Integer()),
    sa.column("platform", sa.String()),
    sa.column("channel_id", sa.String()),
    sa.column("role", sa.String()),
)


def upgrade() -> None:
    op.create_table(
        "class_place",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("classroom_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("channel_id", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["classroom_id"],
            ["classroom.id"],
            name="fk_class_place_classroom_id_classroom",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_class_place"),
        sa.UniqueConstraint("platform", "channel_id", name="uq_class_place_platform_channel_id"),
    )
    op.create_index("ix_class_place_classroom_id", "class_place", ["classroom_id"])
    bind = op.get_bind()
    rows = []
    for c in bind.execute(sa.select(_classroom)):
        rows.append(_row(c.id, c.platform, c.channel_id, "class"))
        if c.teacher_channel_id:
            rows.append(_row(c.id, c.platform, c.teacher_channel_id, "teachers"))
    if rows:
        bind.execute(_place.insert(), rows)


def _row(class_id: int, platform: str, channel_id: str, role: str) -> dict[str, object]:
    return {"classroom_id": class_id, "platform": platform, "channel_id": channel_id, "role": role}


def downgrade() -> None:
    op.drop_index("ix_class_place_classroom_id", table_name="class_place")
    op.drop_table("class_place")
