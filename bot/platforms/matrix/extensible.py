"""Events nio does not model that still show something to the class: locations, polls,
custom msgtypes and custom event types with text.

Each becomes the text to screen plus, where screening alone cannot decide,
an item for the teacher to look at: a location (personal information), a
poll (the class would vote on it), or content that could not be read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from bot.core.model import Media
from bot.platforms.matrix.readable import rendered, shown_text, words

POLL_START = frozenset({"org.matrix.msc3381.poll.start", "m.poll.start"})
POLL_VOTE = frozenset({"org.matrix.msc3381.poll.response", "m.poll.response"})
LOCATION_KEYS = ("org.matrix.msc3488.location", "m.location")
SHOWN_AS_MESSAGE = frozenset({"m.room.message", "m.sticker"})
# keys whose value clients show as text (plain or HTML), in extensible events and m.room.message
TEXT_KEYS = frozenset(
    {"body", "org.matrix.msc1767.text", "m.text", "org.matrix.msc1767.message", "m.message"}
)
HTML_KEYS = frozenset({"formatted_body", "org.matrix.msc1767.html", "m.html"})
SKIPPED = frozenset({"m.relates_to", "m.mentions", "info", "file", "url", "geo_uri", "uri"})
_GEO = re.compile(r"geo:[^\s]+", re.IGNORECASE)
MAX_DEPTH = 8


@dataclass(frozen=True, slots=True)
class Shown:
    """What the class would see of one event: text to screen, and what the teacher must see."""

    text: str
    media: tuple[Media, ...] = ()


class _Reader:
    """Collects every text in a content tree; notes text keys whose value is not text."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.offered = 0  # texts found, repeated ones included
        self.unreadable = False

    def walk(self, value: Any, depth: int = 0) -> None:
        if depth > MAX_DEPTH:
            self.unreadable = True
            return
        if isinstance(value, list):
            for item in value:
                self.walk(item, depth + 1)
        elif isinstance(value, dict):
            self._mapping(value, depth)

    def _mapping(self, value: dict[str, Any], depth: int) -> None:
        body = value.get("body")
        if isinstance(body, str) and value.get("mimetype") == "text/html":
            self.add(rendered(body))  # one representation of an extensible text
        elif isinstance(value.get("formatted_body"), str) or isinstance(body, str):
            self.add(shown_text(value))  # a message-shaped part: body and its HTML together
        for key, item in value.items():
            if key in SKIPPED or (key in {"body", "formatted_body"} and isinstance(item, str)):
                continue
            if key in TEXT_KEYS | HTML_KEYS:
                if isinstance(item, str):
                    self.add(rendered(item) if key in HTML_KEYS else item)
                    continue
                before = self.offered
                if isinstance(item, list | dict):
                    self.walk(item, depth + 1)
                if self.offered == before:
                    self.unreadable = True  # shown as text by some client, but not text
            elif isinstance(item, list | dict):
                self.walk(item, depth + 1)

    def add(self, text: str) -> None:
        text = text.strip()
        self.offered += bool(text)
        # a fallback that repeats the question and answers adds nothing to read
        if text and not words(text) <= words("\n".join(self.texts)):
            self.texts.append(text)

    def text(self) -> str:
        return "\n".join(self.texts)


def _ref(event_type: str, content: dict[str, Any]) -> str:
    shown_again = {k: v for k, v in content.items() if k != "m.relates_to"}
    return json.dumps({"type": event_type, "content": shown_again}, sort_keys=True)


def _location(event_type: str, content: dict[str, Any], text: str) -> Shown:
    """A child's location: the words are screened, the place itself waits for the teacher."""
    words = _GEO.sub("", text).strip()
    return Shown(words, (Media("location", "", _ref(event_type, content)),))


def _poll(event_type: str, content: dict[str, Any]) -> Shown:
    """Question and answers first (as the poll shows them), then any other text it carries."""
    reader = _Reader()
    poll = content.get("m.poll") or content.get("org.matrix.msc3381.poll.start") or {}
    if isinstance(poll, dict):
        reader.walk(poll.get("question"))
        reader.walk(poll.get("answers"))
    question = reader.texts[0] if reader.texts else ""
    reader.walk(content)
    media = [Media("poll", question[:200], _ref(event_type, content))]
    if reader.unreadable or not reader.texts:
        media.append(Media("content", event_type, _ref(event_type, content)))
    return Shown(reader.text(), tuple(media))


def shown(
    event_type: str, content: Any, *, state: bool = False, malformed: bool = False
) -> Shown | None:
    """What an event nio left unparsed shows the class; None when it shows no text (a poll
    vote, a state change, an event with no words). `malformed`: nio could not parse an event
    of a type clients show, so what they show is unknown and it waits for the teacher."""
    if state or event_type in POLL_VOTE:
        return None
    if not isinstance(content, dict):
        content = {}
    if event_type in POLL_START:
        return _poll(event_type, content)
    reader = _Reader()
    reader.walk(content)
    if content.get("msgtype") == "m.location" or any(k in content for k in LOCATION_KEYS):
        return _location(event_type, content, reader.text())
    message = event_type in SHOWN_AS_MESSAGE
    if (malformed and message) or reader.unreadable or (message and not reader.texts):
        name = str(content.get("msgtype") or event_type)[:100]
        return Shown(reader.text(), (Media("content", name, _ref(event_type, content)),))
    if not reader.texts:
        return None
    return Shown(reader.text())
