"""Keeping names in class: a question made neutral before it goes to the guest author.

The author is outside the class, so every way a question can name someone in
it is replaced with a neutral word ("a student", "their teacher"): accounts
and @mentions of any form; self-introductions ("I'm Sam from Room 12", "my
name is …", "this is Sam from …"); and the first names, last names, usernames
and nicknames of everyone in the class (not only those who asked), however a
child writes them: any case, accents and look-alike letters, leetspeak
("S4m"), spaced out ("S a m J o n e s") or run together ("SamJones"). Folding
and the leetspeak readings are the screener's own (``bot.screening``); how each
platform writes an account (``<@id>``, ``@name:server``) comes from its adapter
(``Chat.accounts``, bot/core/accounts.py), so nothing here knows a platform.

A book's characters stay unless someone in the class has the same name; then
privacy wins ("Auggie" in a class with an Auggie). A name that is also an
everyday word ("Will", "May") is replaced when written as a name (a capital
letter inside a sentence, or disguised), not in "will you write more?".
Pure text work, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.accounts import Accounts, AccountSyntax
from bot.screening.leet import LEET_READINGS
from bot.screening.normalize import fold, fold_word

STUDENT = "a student"
TEACHER = "their teacher"
SOMEONE = "someone"  # a name both a student and a teacher go by, or a mention of nobody known


@dataclass(frozen=True)
class Person:
    """Someone in the class as a question might name them: account id and a name."""

    user_id: str
    name: str
    teacher: bool = False


TITLES = frozenset("mr mrs ms miss mx dr sir madam teacher prof mister master coach".split())
# words of display names that are not names ("Room 12 Teacher", "The Reader")
NOT_NAMES = TITLES | frozenset(
    """the a an and of in on at to from by for with my our your room class year grade form
    group school primary team kid kids student students reader readers official real mum
    mom dad""".split()
)
# names that are everyday words: replaced only when written as a name
EVERYDAY = frozenset(
    """will may mark hope grace joy rose bill pat sue art ray don june april august faith
    dawn sky summer autumn rich frank ivy lily holly violet amber ruby pearl jade sandy rocky
    buddy guy chase hunter page reed wade miles dash sunny star river rain storm king bob
    jack gene rob drew penny glen dale cliff heath brook bay sage honey poppy daisy iris
    olive hazel clay stone sonny ace""".split()
)
# words that follow "I'm" / "I am" and are not a name ("I'm Curious", "I'm In year 5")
NOT_AFTER_IM = NOT_NAMES | frozenset(
    """so not really very just also still here back new happy sad excited reading asking
    done ok okay fine good great glad sure interested curious wondering confused sorry
    going gonna trying thinking hoping writing i me it this that what why how when where who
    which because but or if about one two three nine ten eleven twelve years""".split()
)

_CH = r"(?:[^\W_]|[@$!|€])"  # a letter, or a symbol used as one
EDGE_SYMBOLS = "@$!|€+"  # symbols that stand for letters ("$am", "Al!ce") or end a word
_TOKEN = re.compile(r"(?:[^\W_]|[@$!|€+])+")
_SEP = r"[\s.\-_*·•,/\\~]+"
_SPACED = re.compile(rf"(?<![^\W_]){_CH}(?![^\W_])(?:{_SEP}{_CH}(?![^\W_])){{2,}}")
_SEP_RE = re.compile(_SEP)
_WORD = r"[^\W\d_][\w'’-]*"
_STRONG = (
    r"my\s+name\s+is|my\s+name\s*['’]?\s*s|my\s+names|my\s+nickname\s+is|i\s+am\s+called"
    r"|i\s*['’]?\s*m\s+called|they\s+call\s+me|call\s+me"
)
_IM = r"i\s+am|i\s*['’]\s*m|im"
_THIS = r"this\s+is|it\s*['’]\s*s|its|here\s+is|here\s*['’]\s*s"
_INTRO = re.compile(
    rf"(?<![\w'’])(?:(?P<strong>{_STRONG})|(?P<im>{_IM})|(?P<this>{_THIS}))\s+(?P<name>{_WORD})",
    re.IGNORECASE,
)
_NEXT_WORD = re.compile(r"\s+([^\W_][\w'’-]*)")
_PLACE_WORDS = frozenset(
    "room class year grade form school primary elementary middle high st saint".split()
)
_TITLE_BEFORE = re.compile(r"(?i)\b(?:mr|mrs|ms|miss|mx|dr|sir|madam|teacher|prof)\.?\s*$")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n])[\s\"“'‘(]*$")
_MERGE_GAP = re.compile(r"[\s._-]*")


class People:
    """Every form a class's people go by, folded like screening folds text."""

    def __init__(self, people: Iterable[Person], accounts: Accounts) -> None:
        self.accounts = accounts
        self.forms: dict[str, set[bool]] = {}  # folded form -> teacher? (both when shared)
        people = list(people)
        teachers = {p.user_id for p in people if p.teacher and p.user_id}
        self.ids = {p.user_id: p.user_id in teachers for p in people if p.user_id}
        for p in people:
            for form in _forms(accounts.handles(p.user_id), p.name):
                self.forms.setdefault(form, set()).add(p.teacher or p.user_id in teachers)
        self.long = sorted((f for f in self.forms if len(f) >= 3), key=len, reverse=True)

    def who(self, form: str) -> str:
        """The neutral word for whoever goes by this form."""
        kinds = self.forms.get(form, set())
        if kinds == {True}:
            return TEACHER
        return STUDENT if kinds == {False} else SOMEONE

    def known(self, word: str) -> bool:
        return fold_word(word).strip("'’") in self.forms

    def split(self, reading: str) -> list[str] | None:
        """The reading as names run together ("samjones"), if it is only that."""
        if len(reading) > 40:
            return None
        best: list[list[str] | None] = [None] * (len(reading) + 1)
        best[0] = []
        for end in range(2, len(reading) + 1):
            for start in range(0, end - 1):
                head = best[start]
                if head is not None and reading[start:end] in self.forms:
                    best[end] = [*head, reading[start:end]]
                    break
        return best[-1]


def _parts(folded: str) -> list[str]:
    return [w for w in re.findall(r"[^\W\d_]+", folded) if len(w) >= 2 and w not in NOT_NAMES]


def _forms(handles: Iterable[str], name: str) -> set[str]:
    """First/last names and nicknames from the display name; the usernames in the user id
    and their first word (the first name, in "sam.jones" or "mia_2014")."""
    found: set[str] = set()
    for text in (name, *handles):
        folded = fold_word(text)
        if not folded:
            continue
        parts = _parts(folded)
        handle = " " not in folded.strip() and bool(re.search(r"[._\d-]", folded))
        if handle:
            # a username: all of it, its first word, and every word of "first.last"
            whole = "".join(re.findall(r"[^\W_]+", folded))
            found.update(w for w in (whole, re.sub(r"\d+", "", whole)) if len(w) >= 2)
            words = re.findall(r"[^\W\d_]+", folded)
            if words and len(words[0]) >= 3 and words[0] not in NOT_NAMES:
                found.add(words[0])
            if "." in folded:
                found.update(parts)
        else:
            found.update(parts)
            if len(parts) > 1:
                found.add("".join(parts))  # "SamJones", "S a m J o n e s"
    return found


def _readings(token: str) -> list[tuple[str, bool]]:
    """(reading, disguised?) of a folded token: as written, without edge symbols, in
    leetspeak, without digits, with letters held long squeezed ("Saaam")."""
    core = token.strip(EDGE_SYMBOLS)
    out = [token, core, *(token.translate(t) for t in LEET_READINGS), re.sub(r"\d+", "", core)]
    for r in list(out):
        if re.search(r"(.)\1\1", r):
            out += [re.sub(r"(.)\1{2,}", r"\1\1", r), re.sub(r"(.)\1+", r"\1", r)]
    return [(r, r != core and r != token) for r in dict.fromkeys(out) if r]


def _as_name(original: str, text: str, start: int) -> bool:
    """An everyday word written as a name: capitalised inside a sentence."""
    return original[:1].isupper() and not _SENTENCE_START.search(text[:start])


def _names(text: str, people: People) -> list[tuple[int, int, str]]:
    """Spans (in ``text``) of the class's names, with the neutral word for each."""
    f = fold(text)
    found: list[tuple[int, int, str]] = []
    for m in _SPACED.finditer(f.text):
        joined = _SEP_RE.sub("", m.group())
        variants = {joined, *(joined.translate(t) for t in LEET_READINGS)}
        hits = {form for form in people.long for v in variants if form in v}
        if hits:
            s, e = f.original_span(*m.span())
            words = {people.who(h) for h in hits}
            found.append((s, e, words.pop() if len(words) == 1 else SOMEONE))
    for m in _TOKEN.finditer(f.text):
        token = m.group()
        for reading, disguised in _readings(token):
            names = [reading] if reading in people.forms else people.split(reading)
            if not names:
                continue
            start, end = m.span()
            if reading == token.strip(EDGE_SYMBOLS):  # "Aroha!": the "!" stays, it ends a sentence
                start += len(token) - len(token.lstrip(EDGE_SYMBOLS))
                end -= len(token) - len(token.rstrip(EDGE_SYMBOLS))
            s, e = f.original_span(start, end)
            everyday = all(n in EVERYDAY for n in names)
            if everyday and not disguised and not _as_name(text[s:e], text, s):
                continue
            words = {people.who(n) for n in names}
            found.append((s, e, words.pop() if len(words) == 1 else SOMEONE))
            break
    return found


def _mentions(text: str, people: People) -> list[tuple[int, int, str]]:
    """Every account written out (any platform's mentions and ids, e-mail addresses,
    "@name"): whose it is if the class knows the id, else by the names in it."""
    found = []
    for w in people.accounts.find(text):
        if w.user_id in people.ids:
            found.append((w.start, w.end, TEACHER if people.ids[w.user_id] else STUDENT))
            continue
        names = [n for n in re.findall(r"[^\W\d_]+", fold_word(w.handle)) if n in people.forms]
        found.append((w.start, w.end, people.who(names[0]) if names else SOMEONE))
    return found


def _intros(text: str, people: People) -> list[tuple[int, int, str]]:
    """Self-introductions, removed: "I'm Sam (Jones) (from Room 12)", "my name is …"."""
    found = []
    for m in _INTRO.finditer(text):
        name = m.group("name")
        plain = name.casefold().rstrip("'’s") if name.casefold().endswith(("'s", "’s")) else ""
        known = people.known(name) or (plain and people.known(plain))
        end = m.end("name")
        nxt = _NEXT_WORD.match(text, end)
        if nxt and (people.known(nxt.group(1)) or _capital_name(nxt.group(1))):
            end = nxt.end()  # a last name
        place_end = _place(text, end)
        if m.group("strong"):
            ok = name.casefold() not in NOT_AFTER_IM
        elif m.group("im"):
            ok = bool(known) or (
                place_end > end or (_capital_name(name) and name.casefold() not in NOT_AFTER_IM)
            )
        else:  # "this is X" / "it's X": only a class member, or someone "from" somewhere
            ok = bool(known) or (place_end > end and _capital_name(name))
        if ok:
            end = max(end, place_end)
            tail = re.match(r"\s*,?\s*and\b", text[end:], re.IGNORECASE)
            found.append((m.start(), end + (tail.end() if tail else 0), ""))
    return found


def _capital_name(word: str) -> bool:
    return word[:1].isupper() and not word.isupper() and not word.endswith(("'s", "’s"))


def _place(text: str, pos: int) -> int:
    """Where a "from Room 12" / "at Greenfield School" after a name ends (pos if none)."""
    m = re.match(r"\s+(?:from|in|at)\b", text[pos:], re.IGNORECASE)
    if not m:
        return pos
    end, taken = pos + m.end(), 0
    while taken < 4:
        w = _NEXT_WORD.match(text, end)
        if not w:
            break
        word = w.group(1)
        if not (word[:1].isupper() or word[:1].isdigit() or word.casefold() in _PLACE_WORDS):
            break
        end, taken = w.end(), taken + 1
    return end if taken else pos


def deidentify(text: str, people: Iterable[Person], accounts: Iterable[AccountSyntax]) -> str:
    """The text with every account, introduction and name of the class's people replaced;
    ``accounts``: how each connected platform writes an account (``Chat.accounts``)."""
    index = People(people, Accounts(tuple(accounts)))
    spans = _intros(text, index) + _mentions(text, index) + _names(text, index)
    if not spans:
        return text
    spans.sort(key=lambda s: (s[0], -s[1]))
    merged: list[tuple[int, int, str]] = []
    for s, e, word in spans:
        if merged:
            ps, pe, pw = merged[-1]
            if s < pe or (word and word == pw and _MERGE_GAP.fullmatch(text[pe:s])):
                merged[-1] = (ps, max(pe, e), pw if pw == "" or pw == word else SOMEONE)
                continue
        merged.append((s, e, word))
    out, pos = [], 0
    for s, e, word in merged:
        head, at = text[pos:s], s
        if word == TEACHER and (title := _TITLE_BEFORE.search(head)):
            head, at = head[: title.start()], pos + title.start()  # "Ms Rivera" as a whole
        if word and not text[at : at + 1].islower() and _SENTENCE_START.search(text[:at]):
            word = word[0].upper() + word[1:]
        out += [head, word]
        pos = e
    out.append(text[pos:])
    shown = _tidy("".join(out))
    if merged[0][0] == 0 and merged[0][2] == "":  # the text began with an introduction
        shown = shown[:1].upper() + shown[1:]
    return shown


def _tidy(text: str) -> str:
    """Spaces and punctuation left over where an introduction was taken out."""
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r"[ \t]+([,.!?;:])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    text = re.sub(r"[,;:]\s*([.!?])", r"\1", text)  # "Hi, I'm Sam. Why…" → "Hi. Why…"
    text = re.sub(r"^[\s,.;:!-]+", "", text)
    return re.sub(r"([.!?])[ \t,;:]+([.!?,])", r"\1", text)
