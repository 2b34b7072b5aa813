"""prompt posts: which message each prompt was posted as (votes find their prompt by it,
not by the shape of a delivery key); a delivery row means sent, so its state goes

Revision ID: 0018
Revises: 0017
Create Date: 2027-01-12
"""

import sqlalchemy as sa
from alembic import op

import bot.db.tables

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# the tables as this migration knows them (the code's models may have moved on)
_delivery = sa.table(
    "delivery",
    sa.column("key", sa.String()),
    sa.column("platform", sa.String()),
    sa.column("channel_id", sa.String()),
    sa.column("message_id", sa.String()),
    sa.column("state", sa.String()),
    sa.column("created_at", sa.DateTime()),
    sa.column("sent_at", sa.DateTime()),
)
_session = sa.table("session", sa.column("id", sa.Integer()), sa.column("thread_id", sa.String()))
_prompt = sa.table("prompt", sa.column("id", sa.Integer()))


def upgrade() -> None:
    op.create_table(
        "prompt_post",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "session_id",
            sa.Integer(),
            sa.ForeignKey("session.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "prompt_id",
            sa.Integer(),
            sa.ForeignKey("prompt.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("channel_id", sa.String(length=255), nullable=False),
        sa.Column("thread_id", sa.String(length=255), nullable=True),
        sa.Column("message_id", sa.String(length=255), nullable=True),
        sa.Column("posted_at", bot.db.tables.UTCDateTime(), nullable=False),
        sa.UniqueConstraint("session_id", "prompt_id"),
    )
    op.create_index("ix_prompt_post_message_id", "prompt_post", ["message_id"], unique=False)
    _backfill()
    # only "sent" was ever written; a row that said otherwise would mean "not posted yet"
    op.execute(_delivery.delete().where(_delivery.c.state != "sent"))
    with op.batch_alter_table("delivery") as batch_op:
        batch_op.drop_column("state")


def _backfill() -> None:
    """Prompts posted before this migration: their delivery keys say which they were
    (session:<session id>:prompt:<prompt id>)."""
    bind = op.get_bind()
    sessions = dict(bind.execute(sa.select(_session.c.id, _session.c.thread_id)).all())
    prompts = set(bind.execute(sa.select(_prompt.c.id)).scalars())
    found = bind.execute(
        sa.select(_delivery).where(
            _delivery.c.key.like("session:%:prompt:%"), _delivery.c.state == "sent"
        )
    )
    rows = []
    for d in found:
        parts = d.key.split(":")
        if len(parts) != 4 or not (parts[1].isdigit() and parts[3].isdigit()):
            continue
        session_id, prompt_id = int(parts[1]), int(parts[3])
        if session_id not in sessions or prompt_id not in prompts:
            continue  # the session or the prompt was deleted since
        rows.append(
            {
                "session_id": session_id,
                "prompt_id": prompt_id,
                "platform": d.platform,
                "channel_id": d.channel_id,
                "thread_id": sessions[session_id],
                "message_id": d.message_id,
                "posted_at": d.sent_at or d.created_at,
            }
        )
    if rows:
        # the stored values are copied as they are (naive UTC), not through UTCDateTime
        plain = sa.table(
            "prompt_post",
            *(sa.column(name, sa.Integer()) for name in ("session_id", "prompt_id")),
            *(sa.column(name, sa.String()) for name in _TEXTS),
            sa.column("posted_at", sa.DateTime()),
        )
        bind.execute(plain.insert(), rows)


_TEXTS = ("platform", "channel_id", "thread_id", "message_id")


def downgrade() -> None:
    with op.batch_alter_table("delivery") as batch_op:
        batch_op.add_column(
            sa.Column("state", sa.String(length=16), server_default="sent", nullable=False)
        )
    op.drop_index("ix_prompt_post_message_id", table_name="prompt_post")
    op.drop_table("prompt_post")
