"""Is a finding's word meant in its ordinary sense here? Names, homonyms, history, laughter.

Children's book talk uses words the lexicon lists in another sense: a donkey called an
ass, a rooster's cock crowing at dawn, a cocker spaniel, a Maine coon, Dick Whittington,
a character called Sissy, the Nazis in a novel about the war, "kkkk" laughter. The words
around a finding decide (``data/senses.tsv``, ``data/safe_phrases.txt``, the class's
book in ``book_names.py``), and story dialogue is told from chat (``book_talk.py``).
Nothing here makes a finding: it only says that one is not meant. A word aimed at
someone ("you ass", "ur such a nazi") or disguised ("a$$") is always judged as usual.

``Surroundings`` is built only for a message that has a finding, so a clean message
pays nothing.
"""

from __future__ import annotations

from bisect import bisect_left
from importlib import resources

from bot.screening import book_talk
from bot.screening.book_names import SAFE_PHRASES, Names, aimed, book_names
from bot.screening.lexicon import Token, plain_tokens
from bot.screening.normalize import Folded
from bot.screening.verdict import BULLYING, GROOMING, INSULT, PROFANITY, SELF_HARM, SLUR, Book

__all__ = ["BOOK_TALK", "SENSE_WORDS", "TALK", "TALK_PHRASE", "Surroundings", "quoted"]


def _senses() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]], frozenset[str]]:
    """(word -> cue words), (historical word -> cue words), given names; from data."""
    text = resources.files("bot.screening").joinpath("data", "senses.tsv").read_text("utf-8")
    cue: dict[str, frozenset[str]] = {}
    history: dict[str, frozenset[str]] = {}
    names: set[str] = set()
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 2 or parts[1] not in ("cue", "history", "name"):
            raise ValueError(f"bad senses line: {line!r}")
        forms, sense = parts[0].split(), parts[1]
        cues = frozenset(parts[2].split()) if len(parts) > 2 else frozenset()
        for form in forms:
            if sense == "name":
                names.add(form)
            else:
                (cue if sense == "cue" else history)[form] = cues
    return cue, history, frozenset(names)


_CUE, _HISTORY, _NAMES = _senses()
# words whose hits may be ordinary: only these (and the class's book) need a look
SENSE_WORDS = frozenset(_CUE) | frozenset(_HISTORY) | _NAMES | SAFE_PHRASES.phrases.keys()
_SENTENCE_END = frozenset(".!?\n")
TALK = frozenset({INSULT, PROFANITY})  # what a story's dialogue may hold, unflagged
TALK_PHRASE = TALK | {BULLYING}  # and a threat, when a dialogue tag closes it
BOOK_TALK = frozenset({SLUR, GROOMING, SELF_HARM})  # phrase findings book talk can look like


class Surroundings:
    """A message's words with their original spelling, asked about one finding at a time."""

    __slots__ = (
        "_readings", "_starts", "_tokens", "_words", "body", "book", "folded", "present",
        "quoted",
    )  # fmt: skip

    def __init__(
        self,
        body: str,
        folded: Folded,
        tokens: list[Token] | None,
        book: Book | None,
        present: set[str],
        quoted: bool,
    ) -> None:
        self.body = body
        self.folded = folded
        # the class's book, its names built (or found in the cache) only for a finding
        self.book: Names | None = book_names(book) if book is not None else None
        self.present = present  # the message's words (readings and plain words)
        self.quoted = quoted  # the text has a quotation mark (``quoted``)
        self._tokens = tokens  # the plain tokens are made on first use when None
        self._readings: list[str] | None = None
        self._starts: list[int] = []
        self._words: frozenset[str] = frozenset()

    def _need(self, form: str, start: int) -> bool:
        """Could a name or a sense clear this word? Set look-ups only, before any token
        work: most rude words in chat have no cue, phrase or capital letter around them."""
        if form not in SENSE_WORDS:
            return self.book is not None and self.book.may_name(form, self.present)
        if self.book is not None and self.book.may_name(form, self.present):
            return True
        present = self.present
        if form in _CUE:
            return not present.isdisjoint(_CUE[form])
        if form in _HISTORY:
            return form == "kkk" or "the" in present or not present.isdisjoint(_HISTORY[form])
        if SAFE_PHRASES.may_name(form, present):
            return True
        if form in _NAMES:
            s, _e = self.folded.original_span(start, start + 1)
            return self.body[s : s + 1].isupper()
        return False

    @property
    def tokens(self) -> list[Token]:
        if self._tokens is None:
            self._tokens = plain_tokens(self.folded.text)
        return self._tokens

    @property
    def readings(self) -> list[str]:
        if self._readings is None:
            toks = self.tokens
            self._readings = [t.reading for t in toks]
            self._starts = [t.start for t in toks]
            self._words = frozenset(self._readings)
        return self._readings

    @property
    def words(self) -> frozenset[str]:
        _ = self.readings
        return self._words

    def _index(self, start: int, end: int) -> int:
        """The token a folded span starts in (-1 if none)."""
        _ = self.readings
        i = bisect_left(self._starts, start + 1) - 1
        if 0 <= i < len(self.tokens) and self.tokens[i].end > start and self.tokens[i].start < end:
            return i
        return -1

    def _original(self, i: int) -> str:
        s, e = self.folded.original_span(self.tokens[i].start, self.tokens[i].end)
        return self.body[s:e]

    def _capitalised(self, i: int) -> bool:
        """Written as a name: "Dick" after a lower-case word ("then Dick ran"), or before a
        capitalised surname ("Dick Whittington"); not "DICK" or a sentence's first word."""
        word = self._original(i)
        if not (word[:1].isupper() and word[1:].islower()):
            return False
        if i + 1 < len(self.tokens):
            nxt = self._original(i + 1)
            if nxt[:1].isupper() and nxt[1:].islower() and self.readings[i + 1] not in SENSE_WORDS:
                return True
        if i == 0:
            return False
        prev = self._original(i - 1)
        s, _e = self.folded.original_span(self.tokens[i].start, self.tokens[i].end)
        between = self.body[s - 1 : s] if s else ""
        return prev[:1].islower() and between not in _SENTENCE_END

    def word(self, start: int, end: int, form: str, category: str, severity: int) -> bool:
        """Is the lexicon word ``form`` at folded [start, end) meant in an ordinary sense?"""
        if self._need(form, start) and self._sense(start, end):
            return True
        if self.quoted and category in TALK and severity <= 2:
            s, e = self.folded.original_span(start, end)
            return book_talk.story_dialogue(self.body, s, e, threat=False)
        return False

    def _sense(self, start: int, end: int) -> bool:
        i = self._index(start, end)
        if i < 0:
            return False
        tok = self.tokens[i]
        if tok.obfuscated:
            # "kkkk": laughter, not the Klan (which is three letters)
            return len(tok.raw) > 3 and tok.raw.strip("k") == ""
        if self.name(i):
            return True
        w = self.readings[i]
        if w in _CUE:
            return not self.words.isdisjoint(_CUE[w]) and not aimed(self.readings, i)
        if w in _HISTORY and not aimed(self.readings, i):
            cues = _HISTORY[w]
            if not self.words.isdisjoint(cues):
                return True
            nxt = self.readings[i + 1] if i + 1 < len(self.readings) else ""
            # "Nazi Germany", "the Nazis", "the KKK": the group, named
            return nxt in cues or (i > 0 and self.readings[i - 1] == "the")
        return False

    def name(self, i: int) -> bool:
        """Is the word at token ``i`` (part of) a name: the class's book, an everyday phrase,
        or a given name written with a capital letter?"""
        capitalised = self._capitalised(i) if self.readings[i].isalpha() else False
        if self.book is not None and self.book.name_at(self.readings, i, capitalised):
            return True
        if SAFE_PHRASES.phrase_at(self.readings, i):
            return True
        return self.readings[i] in _NAMES and capitalised and not aimed(self.readings, i)

    def span(self, start: int, end: int) -> bool:
        """Is every word of folded [start, end) part of a name (see ``name``)?"""
        i = self._index(start, end)
        if i < 0:
            return False
        while i < len(self.tokens) and self.tokens[i].start < end:
            if self.tokens[i].obfuscated or not self.name(i):
                return False
            i += 1
        return True

    def phrase(
        self, clean: str, cs: int, ce: int, fs: int, fe: int, term: str, cats: tuple[str, ...]
    ) -> bool:
        """Is the phrase finding at clean [cs, ce) (folded [fs, fe)) not meant: part of a
        name, book talk ("don't tell anyone the ending"), or story dialogue?"""
        if self._need(term, fs) and self.span(fs, fe):
            return True
        if not BOOK_TALK.isdisjoint(cats) and book_talk.innocent(clean, cs, ce, cats):
            i = self._index(fs, fe)  # "you he/she" is still aimed at someone
            return SLUR not in cats or (i >= 0 and not aimed(self.readings, i))
        if not self.quoted or SLUR in cats or not TALK_PHRASE.issuperset(cats):
            return False
        s, e = self.folded.original_span(fs, fe)
        return book_talk.story_dialogue(self.body, s, e, threat=BULLYING in cats)


def quoted(text: str) -> bool:
    """Could the text hold a story's dialogue (a quotation mark)?"""
    return "'" in text or '"' in text or "\u2019" in text or "\u201d" in text
