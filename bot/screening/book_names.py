"""Names in which a rude word is an ordinary word: the class's book and everyday phrases.

A word inside a whole name is clean ("Moby Dick", "pussy willow", a book titled "The
Stupid Dog"), unless the name itself is aimed at someone ("ur a stupid dog"). A
character's or a title's single word ("Sissy", "The Twits") is clean wherever it is
not aimed at someone; a word of a person's longer name ("Dick" of "Dick Whittington")
is clean when written as a name, with a capital letter. Built once per book (cached,
like the teacher's allowed words) and once for ``data/safe_phrases.txt``; matching is
dict and tuple look-ups over the message's words, done only for a message with a
finding. Nothing the teacher typed is compiled as a regex.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from bot.screening.lexicon import quick_words
from bot.screening.normalize import fold
from bot.screening.verdict import Book

__all__ = ["SAFE_PHRASES", "Names", "aimed", "book_names", "names_of"]

_ARTICLES = frozenset(("the", "a", "an"))
# words before a name that are not part of what children call the character
_HONORIFICS = frozenset(
    """mr mrs ms miss mx dr sir lady lord king queen prince princess captain aunt auntie
    uncle grandma grandpa granny nan professor madam master mister saint st old little
    big young""".split()
)
# a teacher's book is small; these bound what one Context can make us build
_MAX_ENTRIES = 400
_MAX_CHARS = 200

# --- words that aim a word at someone ("you X", "ur such a X", "he is a X") ---
_SECOND = frozenset("you u ya yu yuo youu ur youre yer yur ye thou thee your yours".split())
_DISMISS = frozenset("shutup stfu hey oi bye".split())
_SUCH = frozenset("such what wat wut".split())
_COPULA = frozenset("are r re is s am m be being".split())
# words between the aiming word and X ("ur a big fat X", "you are all X")
_DEGREE = frozenset(
    """so such really very too total totally complete absolute big biggest little lil fat
    stupid dumb ugly giant huge dirty smelly useless just literally actually kinda sorta
    real utter massive freaking freakin fking fkn fucking bloody damn all both the
    most""".split()
)


def aimed(readings: list[str], i: int, *, third: bool = True) -> bool:
    """Is the word at ``i`` aimed at someone by the words before it ("you X", "ur a X",
    "such a X", "shut up X", "you are all X"; with ``third``, "she is a X")?"""
    j = _skip(readings, i - 1)
    if j < 0:
        return False
    w = readings[j]
    if w in _SECOND or w in _DISMISS or w in _SUCH:
        return True
    if w == "up" and j > 0 and readings[j - 1] == "shut":
        return True
    if w in _COPULA:
        return j > 0 and readings[j - 1] in _SECOND
    if w in ("a", "an"):
        k = _skip(readings, j - 1)
        if k < 0:
            return False
        w = readings[k]
        if w in _COPULA and not third:
            return k > 0 and readings[k - 1] in _SECOND
        return w in _SECOND or w in _COPULA or w in _SUCH
    return False


def _skip(readings: list[str], j: int) -> int:
    stop = max(-1, j - 3)
    while j > stop and readings[j] in _DEGREE and readings[j] not in _SUCH:
        j -= 1
    return j


@dataclass(frozen=True, slots=True)
class Names:
    """Names as folded words: whole phrases, single-word names, and words of people's names."""

    phrases: dict[str, tuple[tuple[tuple[str, ...], int], ...]]  # word -> (phrase, its index)
    words: frozenset[str]  # a name on its own, in any case ("sissy", "twits")
    parts: frozenset[str]  # a word of a person's name, a name when capitalised ("dick")

    def may_name(self, word: str, present: set[str] | frozenset[str]) -> bool:
        """Cheap test before any look at word order: could ``word`` be a name here, given
        the set of the message's words?"""
        if word in self.words or word in self.parts:
            return True
        return any(present.issuperset(p) for p, _k in self.phrases.get(word, ()))

    def phrase_at(self, readings: list[str], i: int) -> bool:
        """Is the word at ``i`` inside a whole phrase of this table, not aimed at anyone?"""
        for phrase, k in self.phrases.get(readings[i], ()):
            j = i - k
            if j >= 0 and tuple(readings[j : j + len(phrase)]) == phrase:
                # "my cat is a maine coon" names the breed; "ur a maine coon" is aimed
                return not aimed(readings, j, third=False)
        return False

    def name_at(self, readings: list[str], i: int, capitalised: bool) -> bool:
        """Is the word at ``i`` a name here (a whole phrase, a single-word name, or a
        capitalised word of a person's name), not aimed at anyone?"""
        w = readings[i]
        if w in self.words or (capitalised and w in self.parts):
            return not aimed(readings, i)
        return self.phrase_at(readings, i)


def _words(text: str) -> tuple[str, ...]:
    return tuple(quick_words(fold(text[:_MAX_CHARS]).text))


def _variants(words: tuple[str, ...]) -> set[tuple[str, ...]]:
    """The name, and as children write it: without "the" or "Mr" in front."""
    out = {words}
    if len(words) > 1 and (words[0] in _ARTICLES or words[0] in _HONORIFICS):
        out.add(words[1:])
    return {v for v in out if v}


def _table(phrases: set[tuple[str, ...]], words: set[str], parts: set[str]) -> Names:
    index: dict[str, list[tuple[tuple[str, ...], int]]] = {}
    for phrase in sorted(phrases):
        for k, w in enumerate(phrase):
            index.setdefault(w, []).append((phrase, k))
    # longer phrases first: "dick king smith" before "dick king"
    return Names(
        {w: tuple(sorted(v, key=lambda pk: -len(pk[0]))) for w, v in index.items()},
        frozenset(words),
        frozenset(parts),
    )


def _pieces(words: tuple[str, ...]) -> set[tuple[str, ...]]:
    """Runs of three or more words of a title, as children shorten it ("my butt went
    psycho" of "The Day My Butt Went Psycho!"); titles of up to 12 words."""
    n = len(words)
    if n > 12:
        return set()
    return {words[i:j] for i in range(n) for j in range(i + 3, n + 1)}


def names_of(
    titles: tuple[str, ...] | list[str],
    people: tuple[str, ...] | list[str],
    title: str = "",
) -> Names:
    """A name table from titles (of the book, of chapters), people's names (characters,
    the author) and the book's title (also shortened)."""
    phrases: set[tuple[str, ...]] = _pieces(_words(title)) if title else set()
    words: set[str] = set()
    parts: set[str] = set()
    for text, person in [*((t, False) for t in titles), *((p, True) for p in people)]:
        for v in _variants(_words(text)):
            if len(v) > 1:
                phrases.add(v)
            elif v[0] not in _ARTICLES and (len(v[0]) > 1 or v[0].isdigit()):
                words.add(v[0])
            if person and len(v) > 1:
                parts.update(w for w in v if len(w) > 1 and w not in _HONORIFICS)
    return _table(phrases, words, parts)


# the book asked about last and its names: the same Book object comes with every message
# of a class, and hashing its tuples for the cache below costs more than this check
_last: tuple[Book, Names] | None = None


def book_names(book: Book) -> Names:
    """The names of one class's book (cached: the same few books recur constantly)."""
    global _last
    last = _last
    if last is not None and last[0] is book:
        return last[1]
    names = _book_names(book)
    _last = (book, names)  # one assignment: another thread sees the old pair or this one
    return names


@lru_cache(maxsize=256)
def _book_names(book: Book) -> Names:
    titles = [book.title, *book.chapters][:_MAX_ENTRIES]
    people = [*book.characters, book.author][:_MAX_ENTRIES]
    return names_of([t for t in titles if t], [p for p in people if p], book.title)


def _safe_phrases() -> Names:
    text = resources.files("bot.screening").joinpath("data", "safe_phrases.txt")
    phrases: set[tuple[str, ...]] = set()
    for line in text.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            phrases.update(v for v in _variants(_words(line)) if len(v) > 1)
    return _table(phrases, set(), set())


SAFE_PHRASES = _safe_phrases()
