"""What a Matrix client shows of a message, as text to screen.

Element shows `formatted_body` (HTML) when there is one, other clients and
notifications show `body`; both are the student's words, so both are read.
A reply's quoted fallback is dropped only when the event really is a reply
and the quote has the fallback's shape; quote lines a student typed stay.
"""

from __future__ import annotations

import re
import string
from html.parser import HTMLParser
from typing import Any

# tags that start a new line where Element renders them
_BLOCKS = frozenset(
    "address article aside blockquote br dd details div dl dt figcaption figure footer "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody td tfoot "
    "th thead tr ul".split()
)
_VOID = frozenset({"br", "hr", "img"})
# '> <@ben:hs> text' (or '> * <@ben:hs> waves' for an emote): the first line of a fallback
_FALLBACK_FIRST = re.compile(r"^> (\* )?<[@!][^<>\s]+>(\s|$)")
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
_PILL = re.compile(r"^https://matrix\.to/#/", re.IGNORECASE)
_SYNTAX = frozenset(string.punctuation)  # markdown marks: not words of their own


def is_reply(content: dict[str, Any]) -> bool:
    """The event is a rich reply (`m.relates_to.m.in_reply_to` names an event)."""
    rel = content.get("m.relates_to")
    reply = rel.get("m.in_reply_to") if isinstance(rel, dict) else None
    return isinstance(reply, dict) and bool(reply.get("event_id"))


def strip_reply_fallback(body: str, content: dict[str, Any]) -> str:
    """`body` without a reply's quoted fallback: only for a real reply, and only when the
    quote is the fallback's shape ('> <@user> …' lines, then an empty line)."""
    if not is_reply(content):
        return body
    lines = body.split("\n")
    if not lines or not _FALLBACK_FIRST.match(lines[0]):
        return body
    for i, line in enumerate(lines[1:], start=1):
        if line == "":
            return "\n".join(lines[i + 1 :])
        if not line.startswith(">"):
            return body  # not the fallback's shape: the student's own quote lines
    return body


class _Renderer(HTMLParser):
    """Collects the text an HTML body renders to, link targets and alt texts included."""

    def __init__(self, drop_reply: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.drop_reply = drop_reply
        self.parts: list[str] = []
        self._reply_depth = 0
        self._pre = 0
        self._links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "mx-reply" and self.drop_reply:
            self._reply_depth += 1
            return
        if self._reply_depth:
            return
        if tag in _BLOCKS:
            self.parts.append("\n")
        if tag == "pre":
            self._pre += 1
        if tag == "img" and (found.get("alt") or found.get("title")):
            self.parts.append(f" {found.get('alt') or found.get('title')} ")
        if found.get("data-mx-spoiler"):
            self.parts.append(f"({found['data-mx-spoiler']}) ")  # shown as the spoiler's reason
        if tag == "a":
            self._links.append((found.get("href", ""), len(self.parts)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "mx-reply" and self.drop_reply and self._reply_depth:
            self._reply_depth -= 1
            return
        if self._reply_depth:
            return
        if tag == "pre" and self._pre:
            self._pre -= 1
        if tag == "a" and self._links:
            href, start = self._links.pop()
            shown = "".join(self.parts[start:]).strip()
            # a link's target is where it goes (screened as a link); a mention pill is a name
            if href and not _PILL.match(href) and href != shown:
                self.parts.append(f" ({href})")
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._reply_depth:
            return
        self.parts.append(data if self._pre else _SPACES.sub(" ", data))

    def text(self) -> str:
        lines = (line.strip() for line in "".join(self.parts).split("\n"))
        return re.sub(r"\n{2,}", "\n", "\n".join(lines)).strip()


def rendered(html: str, drop_reply: bool = False) -> str:
    """The text `html` shows: tags gone, entities decoded, block elements on their own lines;
    a link's address and an image's alt text are part of it. With `drop_reply`, a reply's
    `<mx-reply>` quote is left out."""
    renderer = _Renderer(drop_reply)
    renderer.feed(html)
    renderer.close()
    return renderer.text()


def words(text: str) -> set[str]:
    """The words and symbols of `text`, without markdown marks (for comparing versions)."""
    return {w for w in re.findall(r"[^\W_]+|[^\w\s]", text.casefold()) if w not in _SYNTAX}


def shown_text(content: dict[str, Any]) -> str:
    """Everything a formatted message shows: the rendered HTML, and the plain body too when
    it says something the HTML does not (so a word hidden in either one is screened)."""
    raw = content.get("body")
    body = strip_reply_fallback(raw, content) if isinstance(raw, str) else ""
    html = content.get("formatted_body")
    if not isinstance(html, str) or not html.strip():
        return body
    shown = rendered(html, drop_reply=is_reply(content))
    if not body.strip() or words(body) <= words(shown):
        return shown
    if not shown:
        return body
    return f"{shown}\n[plain text] {body}"


def edited_text(content: dict[str, Any]) -> str:
    """What an edit shows: its new content (Element), and the '* …' fallback around it too
    when that says something else (clients without edits show the fallback)."""
    new = content.get("m.new_content")
    shown = shown_text(new) if isinstance(new, dict) else ""
    outer = shown_text(content)
    if not outer.strip() or words(outer) <= words(shown):
        return shown
    return f"{shown}\n[plain text] {outer}" if shown else outer
