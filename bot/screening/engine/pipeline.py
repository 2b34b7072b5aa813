"""The screening pipeline: fold the text, run the detectors, build a Verdict.

Importing this module builds the screener: the detector modules it imports read the
word lists and compile their patterns. ``bot.screening.engine.build`` imports it once,
so nothing is read when ``bot.screening`` is imported.

Pure and deterministic: no I/O at call time, no shared mutable state besides
caches of pure functions, so ``screen`` is safe to call from many threads.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache
from operator import itemgetter

from bot.screening import lexicon, links, phrases, pii, senses, spam
from bot.screening.engine import MAX_CHARS
from bot.screening.normalize import fold, fold_word
from bot.screening.readings import tokenize
from bot.screening.senses import Surroundings
from bot.screening.spellings import unusual
from bot.screening.verdict import (
    BULLYING,
    GROOMING,
    INSULT,
    LINK,
    PII,
    PROFANITY,
    SELF_HARM,
    SLUR,
    SPAM,
    Context,
    Span,
    Verdict,
)

__all__ = ["screen"]


_READING = itemgetter(3)  # Token.reading
_OBFUSCATED = itemgetter(4)  # Token.obfuscated
_EMPTY = Verdict()
_NO_CONTEXT = Context()
_NO_DOMAINS: frozenset[str] = frozenset()
# the words any detector looks at: one look-up per message, then each detector
# tests its anchor words against this (usually empty) set instead of every word
_TRIGGERS = phrases.TRIGGERS | pii.TRIGGERS | links.TRIGGERS | spam.TRIGGERS
# hot-path functions bound once (module attribute look-ups cost on every message)
_TRIPLE_SEARCH = lexicon._TRIPLE_RE.search  # lexicon.has_triple without the call
_quick_words = lexicon.quick_words
_suspicious = lexicon.suspicious
_unusual = unusual  # misspelt or doubled letters, "455" (bot/screening/spellings.py)
_scan_tokens = lexicon.scan_tokens
_plain_hits = lexicon.plain_hits
_scan_phrases = phrases.scan_phrases
_find_pii = pii.find_pii
_find_links = links.find_links
_find_spam = spam.find_spam
_lone_word = phrases.lone_word
_CONTEXT_GET = lexicon.CONTEXT.get
# what may make a finding ordinary book talk (``senses.py``): tested before any work
_SENSE_WORDS = senses.SENSE_WORDS
_TALK = senses.TALK
_TALK_PHRASE = senses.TALK_PHRASE
_BOOK_TALK = senses.BOOK_TALK
_quoted = senses.quoted
_FRAME = lexicon.FRAME

_REASON = {
    PROFANITY: "Swearing or sexual language",
    INSULT: "Name-calling or an insult",
    SLUR: "A slur (hateful word about a group of people)",
    BULLYING: "Possible bullying, exclusion or a threat",
    SELF_HARM: "Possible self-harm or abuse signal: please check in with this student",
    GROOMING: "Possible grooming (asks a child for private contact, secrets, photos or a meeting)",
    PII: "Personal information (contact details, address or meeting up)",
    LINK: "A link or web address",
    SPAM: "Looks like spam",
}
_ORDER = (SELF_HARM, GROOMING, SLUR, BULLYING, INSULT, PROFANITY, PII, LINK, SPAM)
_NOTES = {
    SELF_HARM: (
        "Thank you for sharing. Your teacher will see this message so a trusted adult "
        "can check in with you. You are not in trouble, and you can always talk to "
        "a grown-up you trust."
    ),
    GROOMING: (
        "To keep everyone safe, messages about talking privately, secrets, photos or "
        "meeting up wait for your teacher first."
    ),
    PII: (
        "To keep everyone safe, messages with personal details (like where you live, "
        "phone numbers, or plans to meet) wait for your teacher first."
    ),
    "toxic": (
        "Your message is waiting for your teacher to look at it. Thanks for helping "
        "keep our read-aloud kind and friendly!"
    ),
    LINK: "Links wait for your teacher to check them first. Thanks for your patience!",
    SPAM: (
        "Your message is waiting for your teacher. Try sending one message at a time, "
        "in your own words."
    ),
}


@lru_cache(maxsize=256)
def _allowed(words: frozenset[str]) -> frozenset[str]:
    """Teacher-allowed words, folded the same way as messages (compared as plain strings)."""
    out: set[str] = set()
    for w in words:
        f = fold_word(w)
        if f:
            out.add(f)
            out.add("".join(ch for ch in f if ch.isalnum()))
    return frozenset(out)


@lru_cache(maxsize=256)
def _domains(domains: frozenset[str]) -> frozenset[str]:
    out = set()
    for d in domains:
        d = d.strip().lower().strip(".")
        if d.startswith("www."):
            d = d[4:]
        if d:
            out.add(d)
    return frozenset(out)


class _Clean:
    """Clean text for phrase patterns, with a map back to folded offsets."""

    __slots__ = ("ends", "fold_spans", "starts", "text")

    def __init__(self, folded: str, tokens: list[lexicon.Token], rebuilt: bool) -> None:
        if not rebuilt:
            self.text = folded
            self.starts: list[int] = []
            self.ends: list[int] = []
            self.fold_spans: list[tuple[int, int]] = []
            return
        self.text = " ".join(t.reading for t in tokens)
        starts: list[int] = []
        ends: list[int] = []
        spans: list[tuple[int, int]] = []
        pos = 0
        for t in tokens:
            starts.append(pos)
            ends.append(pos + len(t.reading))
            spans.append((t.start, t.end))
            pos += len(t.reading) + 1
        self.starts, self.ends, self.fold_spans = starts, ends, spans

    def to_folded(self, start: int, end: int) -> tuple[int, int]:
        if not self.fold_spans:
            return start, end
        i = max(0, bisect_right(self.starts, start) - 1)
        j = max(i, bisect_right(self.starts, max(start, end - 1)) - 1)
        return self.fold_spans[i][0], self.fold_spans[j][1]


def _squeezed_trigger(tokens: list[lexicon.Token]) -> bool:
    """A token whose letters were squeezed ("dieeee") reads as a word some detector uses."""
    return any(t.reading != t.raw and t.reading in _TRIGGERS for t in tokens)


def _stressed(word: str) -> bool:
    """Shouted or with case mixed inside ("KNOB", "kNoB"); not "knob" or "Knob"."""
    letters = "".join(c for c in word if c.isalpha())
    if len(letters) < 3 or letters.islower():
        return False
    return not (letters[0].isupper() and letters[1:].islower())


def screen(text: str, context: Context | None = None) -> Verdict:
    """Screen one message. Never raises for any ``str``; other types are screened as text."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if not text or text.isspace():
        return _EMPTY
    ctx = context or _NO_CONTEXT
    too_long = len(text) > MAX_CHARS
    body = text[:MAX_CHARS] if too_long else text

    f = fold(body)
    folded = f.text
    plain = _quick_words(folded)
    allowed = _allowed(ctx.allowed_words) if ctx.allowed_words else frozenset()
    # findings as (start, end, category, detail): made into Spans once, deduplicated
    spans: list[tuple[int, int, str, str]] = []
    sev: dict[str, int] = {}

    def add(cat: str, severity: int, fs: int, fe: int, detail: str, *, folded_span: bool) -> None:
        s, e = f.original_span(fs, fe) if folded_span else (fs, fe)
        spans.append((s, e, cat, detail))
        if severity > sev.get(cat, 0):
            sev[cat] = severity

    tokens: list[lexicon.Token] | None
    # phrase patterns run on clean text; ``clean`` maps back to folded offsets if rebuilt
    clean: _Clean | None = None
    triples = _TRIPLE_SEARCH(folded) is not None
    if _suspicious(folded, plain, triples) or _unusual(plain):
        tokens = tokenize(folded, plain, triples)
        readings = list(map(_READING, tokens))
        words = set(readings)
        words.update(plain)
        # phrases read the readings when a token was de-obfuscated, or squeezed into a
        # word they look at ("i wanna dieeee" is read as "i wanna die")
        if any(map(_OBFUSCATED, tokens)) or (triples and _squeezed_trigger(tokens)):
            clean = _Clean(folded, tokens, True)
        word_hits = _scan_tokens(tokens)
    else:
        tokens = None
        readings = plain
        words = set(plain)
        word_hits = _plain_hits(folded, words)

    trig = words.intersection(_TRIGGERS)
    # the class's book, and the words around a finding (built for a finding only):
    # a name, a homonym, history or a story's dialogue is not meant as it looks
    book = ctx.book
    sur: Surroundings | None = None
    quoted = bool(word_hits) and _quoted(body)

    # words, inflections, compounds, obfuscations
    for h in word_hits:
        ent = h.entry
        if allowed and (h.form in allowed or ent.term in allowed):
            continue
        if book is not None or h.form in _SENSE_WORDS or (quoted and ent.category in _TALK):
            sur = sur or Surroundings(body, f, tokens, book, words, quoted)
            if sur.word(h.start, h.end, h.form, ent.category, ent.severity):
                continue
        add(ent.category, ent.severity, h.start, h.end, ent.term, folded_span=True)

    # name-calling frames, bullying, self-harm, phrase terms, PII requests
    clean_text = folded if clean is None else clean.text
    for ph in _scan_phrases(clean_text, trig):
        if ph.term and allowed and ph.term in allowed:
            continue
        fs, fe = (ph.start, ph.end) if clean is None else clean.to_folded(ph.start, ph.end)
        if (
            book is not None
            or ph.term in _SENSE_WORDS
            or not _BOOK_TALK.isdisjoint(ph.categories)
            or (_quoted(body) and _TALK_PHRASE.issuperset(ph.categories))
        ):
            sur = sur or Surroundings(body, f, tokens, book, words, _quoted(body))
            if sur.phrase(clean_text, ph.start, ph.end, fs, fe, ph.term, ph.categories):
                continue
        for cat in ph.categories:
            add(cat, ph.severity, fs, fe, ph.term or ph.reason, folded_span=True)
    if len(readings) <= 8:
        lone_word = _lone_word(readings)
        lone = _CONTEXT_GET(lone_word) if lone_word else None
        if lone is None and lone_word in _FRAME and _FRAME[lone_word].term == lone_word:
            # an ambiguous name-calling word ("knob", not "knobs") as the whole message:
            # a strong one always, a mild one stressed or disguised ("knob!!", "KNOB",
            # "kNoB", "kn0b", "k n o b", look-alike letters)
            toks = tokens if tokens is not None else lexicon.plain_tokens(folded)
            tok = next((t for t in toks if t.reading == lone_word), None)
            if tok is not None:
                s, e = f.original_span(tok.start, tok.end)
                orig = body[s:e]
                entry = _FRAME[lone_word]
                if (
                    entry.severity >= 2
                    or tok.obfuscated
                    or "!!" in body
                    or not orig.isascii()
                    or _stressed(orig)
                ):
                    lone = entry
        if lone is not None and not (allowed and lone.term in allowed):
            toks = tokens if tokens is not None else lexicon.plain_tokens(folded)
            for t in toks:
                if t.reading not in phrases.FILLERS:
                    sur = sur or Surroundings(body, f, tokens, book, words, _quoted(body))
                    if not sur.word(t.start, t.end, t.reading, lone.category, 1):
                        add(lone.category, 1, t.start, t.end, lone.term, folded_span=True)
                    break

    # personal information (original text: case matters for names and addresses)
    raw = body.encode() if body.isascii() else None  # shared by PII and spam checks
    for p in _find_pii(body, trig, raw):
        add(PII, 2, p.start, p.end, p.detail, folded_span=False)

    # links
    doms = _domains(ctx.allowed_domains) if ctx.allowed_domains else _NO_DOMAINS
    for lk in _find_links(folded, trig, doms):
        add(LINK, lk.severity, lk.start, lk.end, f"{lk.detail}: {lk.host}", folded_span=True)

    # spam (earlier messages compared as far as this one is read)
    recent = ctx.recent
    if recent and max(map(len, recent)) > MAX_CHARS:
        recent = tuple([r[:MAX_CHARS] for r in recent])
    for sp in _find_spam(body, recent, trig, len(readings), len(words), raw):
        add(SPAM, 1, sp.start, sp.end, sp.detail, folded_span=False)
    if too_long:
        add(SPAM, 1, MAX_CHARS, len(text), "very long message", folded_span=False)

    if not spans:
        return _EMPTY
    return _verdict(spans, sev)


def _verdict(spans: list[tuple[int, int, str, str]], sev: dict[str, int]) -> Verdict:
    # unique findings ordered by (start, end, category, detail); details per category
    uniq = sorted(set(spans))
    details: dict[str, list[str]] = {}
    for _s, _e, cat, detail in uniq:
        if detail:
            seen = details.get(cat)
            if seen is None:
                details[cat] = [detail]
            elif detail not in seen:
                seen.append(detail)
    cats, severity, reasons, note = _summary(
        tuple(sev.items()), tuple([(c, tuple(d)) for c, d in details.items()])
    )
    return Verdict(cats, severity, tuple([Span(*t) for t in uniq]), reasons, note)


@lru_cache(maxsize=4096)
def _summary(
    sev_items: tuple[tuple[str, int], ...], detail_items: tuple[tuple[str, tuple[str, ...]], ...]
) -> tuple[frozenset[str], int, tuple[str, ...], str]:
    """Categories, severity, reasons and student note: a pure function of the findings'
    severities and details, cached (the same few combinations recur constantly)."""
    sev = dict(sev_items)
    details = {c: list(d) for c, d in detail_items}
    cats = frozenset(sev)
    if SELF_HARM in cats:
        sev[SELF_HARM] = 3  # always escalates
    if GROOMING in cats:
        sev[GROOMING] = 3  # always escalates
    severity = max(sev.values())
    reasons = tuple(
        f"{_REASON[c]} (severity {sev[c]})" + _details(details.get(c)) for c in _ORDER if c in cats
    )
    if SELF_HARM in cats:
        note = _NOTES[SELF_HARM]
    elif GROOMING in cats:
        note = _NOTES[GROOMING]
    elif PII in cats:
        note = _NOTES[PII]
    elif cats & {PROFANITY, INSULT, SLUR, BULLYING}:
        note = _NOTES["toxic"]
    elif LINK in cats:
        note = _NOTES[LINK]
    else:
        note = _NOTES[SPAM]
    return cats, severity, reasons, note


def _details(seen: list[str] | None) -> str:
    if not seen:
        return ""
    shown = ", ".join(seen[:3]) + (", ..." if len(seen) > 3 else "")
    return f": {shown}"
