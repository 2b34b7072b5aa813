"""circles between installations: the circle room of a circle (circle_link), the classes
of other installations in it (circle_partner), the durable outbox of posts and retractions
for each partner installation (circle_outbox), what arrived by post id (circle_inbox) and
a class's pending request to join another installation's circle (circle_ask).

Revision ID: 0024
Revises: 0023
Create Date: 2027-01-28
"""

import sqlalchemy as sa
from alembic import op

from bot.db.base import UTCDateTime

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def _fk(table: str, col: str, ref: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [col], [f"{ref}.id"], name=f"fk_{table}_{col}_{ref}", ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "circle_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("circle_uid", sa.String(length=255), nullable=False),
        sa.Column("circle_id", sa.Integer(), nullable=True),
        sa.Column("room_id", sa.String(length=255), nullable=False),
        sa.Column("home", sa.String(length=255), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        _fk("circle_link", "circle_id", "circle", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_circle_link"),
        sa.UniqueConstraint("circle_uid", name="uq_circle_link_circle_uid"),
        sa.UniqueConstraint("room_id", name="uq_circle_link_room_id"),
    )
    op.create_index("ix_circle_link_circle_id", "circle_link", ["circle_id"])
    op.create_table(
        "circle_partner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("class_uid", sa.String(length=255), nullable=False),
        sa.Column("installation", sa.String(length=255), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("chapter", sa.String(length=80), nullable=False),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
        sa.Column("left_at", UTCDateTime(), nullable=True),
        _fk("circle_partner", "link_id", "circle_link"),
        sa.PrimaryKeyConstraint("id", name="pk_circle_partner"),
        sa.UniqueConstraint("link_id", "class_uid", name="uq_circle_partner_link_id_class_uid"),
    )
    op.create_index("ix_circle_partner_installation", "circle_partner", ["installation"])
    op.create_table(
        "circle_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("post_uid", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("installation", sa.String(length=255), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        _fk("circle_outbox", "link_id", "circle_link"),
        sa.PrimaryKeyConstraint("id", name="pk_circle_outbox"),
        sa.UniqueConstraint(
            "post_uid",
            "kind",
            "installation",
            name="uq_circle_outbox_post_uid_kind_installation",
        ),
    )
    op.create_index("ix_circle_outbox_post_uid", "circle_outbox", ["post_uid"])
    op.create_index("ix_circle_outbox_installation", "circle_outbox", ["installation"])
    op.create_index("ix_circle_outbox_state", "circle_outbox", ["state"])
    op.create_table(
        "circle_inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_uid", sa.String(length=255), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("sender", sa.String(length=255), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("arrived_at", UTCDateTime(), nullable=False),
        _fk("circle_inbox", "link_id", "circle_link"),
        sa.PrimaryKeyConstraint("id", name="pk_circle_inbox"),
        sa.UniqueConstraint("post_uid", name="uq_circle_inbox_post_uid"),
    )
    op.create_table(
        "circle_ask",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("classroom_id", sa.Integer(), nullable=False),
        sa.Column("asked", sa.String(length=255), nullable=False),
        sa.Column("room_id", sa.String(length=255), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.String(length=255), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        _fk("circle_ask", "classroom_id", "classroom"),
        sa.PrimaryKeyConstraint("id", name="pk_circle_ask"),
        sa.UniqueConstraint("room_id", name="uq_circle_ask_room_id"),
    )


def downgrade() -> None:
    op.drop_table("circle_ask")
    op.drop_table("circle_inbox")
    op.drop_table("circle_outbox")
    op.drop_table("circle_partner")
    op.drop_table("circle_link")
