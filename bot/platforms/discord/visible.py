"""Everything a Discord message shows besides its typed words, as labelled text lines.

The class sees more than `content`: a forwarded message (its snapshot: words, embeds),
a native poll (question and answers), link previews and other embeds (title,
description, fields, footer, author). All of it goes into the text that is screened, one
labelled line each, so the teacher's review shows where each piece came from.
Attachment and sticker names are media (see media.py); screening reads their names too.
"""

from __future__ import annotations

import discord

FORWARDED = "Forwarded message"
POLL = "Poll"
EMBED = "Embed"
MAX_EMBEDS = 10  # Discord's own limit per message


def visible_text(message: discord.Message) -> str:
    """The typed words, then each other visible text, labelled (empty parts left out)."""
    lines = [message.content]
    for snapshot in message.message_snapshots:
        lines.append(_labelled(FORWARDED, snapshot.content))
        label = f"{FORWARDED}, {EMBED.lower()}"
        lines += [_labelled(label, embed_text(e)) for e in snapshot.embeds[:MAX_EMBEDS]]
    if message.poll is not None:
        lines.append(_labelled(POLL, poll_text(message.poll)))
    lines += [_labelled(EMBED, embed_text(e)) for e in message.embeds[:MAX_EMBEDS]]
    return "\n".join(line for line in lines if line)


def embeds_text(message: discord.Message) -> str:
    """Only the embeds' text (to tell whether an update changed what the class sees)."""
    return "\n".join(embed_text(e) for e in message.embeds[:MAX_EMBEDS])


def poll_text(poll: discord.Poll) -> str:
    answers = " · ".join(a.text for a in poll.answers if a.text)
    return f"{poll.question} — {answers}" if answers else poll.question


def embed_text(embed: discord.Embed) -> str:
    """Every text an embed shows, in reading order."""
    parts = [embed.author.name, embed.title, embed.description]
    for field in embed.fields:
        parts += [field.name, field.value]
    parts.append(embed.footer.text)
    return " · ".join(p.strip() for p in parts if p and p.strip())


def _labelled(label: str, text: str) -> str:
    text = text.strip()
    return f"[{label}] {text}" if text else ""
