"""Building blocks for phrase patterns (see ``phrases.py``).

Patterns run on "clean" text: folded, obfuscated tokens replaced by their readings;
words are separated by any run of non-alphanumerics. Only project-written patterns
are compiled here; nothing user-supplied.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.screening.lexicon import trie_pattern

S = r"[^a-z0-9]+"  # word separator
B0 = r"(?<![a-z0-9])"  # word start
B1 = r"(?![a-z0-9])"  # word end


_PLAIN = re.compile(r"[a-z0-9 ]+")


def _w(*alts: str) -> str:
    """Alternation of words; inside a word, a space means a word separator.
    Plain words are compiled as a trie (the engine then picks a branch by letter)."""
    if all(_PLAIN.fullmatch(a) for a in alts):
        return "(?:" + trie_pattern(set(alts), sep=S) + ")"
    return "(?:" + "|".join(a.replace(" ", S) for a in alts) + ")"


def _seq(*parts: str) -> str:
    """Words in sequence; a part written as "(?:X<sep>)?" is optional and brings its own
    separator."""
    out = ""
    for i, part in enumerate(parts):
        out += part
        if i < len(parts) - 1 and not part.endswith(S + ")?"):
            out += S
    return B0 + out + B1


# at the start of the text or after punctuation, not right after another word: "just
# wanna die" opening a message, not "do you wanna die" (START_BEHIND for ``first_word``)
START_BEHIND = "[a-z0-9] "
START = f"(?<!{START_BEHIND})"
# the clause ends here: end of text, or punctuation or an emoji next ("ur ugly!!")
END = "(?=[^a-z0-9]*+$| *+[^ a-z0-9])"


def gap(n: int) -> str:
    """Up to ``n`` words of any kind, each with its separator (possessive: no
    backtracking inside a word)."""
    return f"(?:[a-z0-9]++{S}){{0,{n}}}"


def not_followed_by(alts: str) -> str:
    """The next word is not one of ``alts`` (an alternation)."""
    return f"(?!{S}{alts}{B1})"


def first_word(*parts: tuple[tuple[str, ...], tuple[str, ...], str]) -> str:
    """Alternatives that each open with an entry of a list, merged by first letter.

    A part is (entries, what may not come right before an entry, the pattern after the
    entry). The regex engine skips ahead to a possible first letter only when the
    pattern opens with letters; an alternation of groups, or a look-behind first, makes
    it try every position (about ten times slower). So "what may not come before"
    ("[a-z0-9] ": not after another word) is checked once the entry's first word has
    matched: "just ..." becomes "j(?:ust(?<![a-z0-9] just)...)"."""
    by_char: dict[str, list[str]] = {}
    for entries, not_before, after in parts:
        heads: dict[str, list[str]] = {}
        for entry in entries:
            first, sp, rest = entry.partition(" ")
            heads.setdefault(entry[0], []).append(first[1:] + "\0" + sp + rest)
        for c, tails in heads.items():
            trie = _marked_trie(tails, c, not_before)
            wrapped = f"(?:{after})" if "|" in after else after
            by_char.setdefault(c, []).append(trie + wrapped)
    alts = [re.escape(c) + (a[0] if len(a) == 1 else "(?:" + "|".join(a) + ")")
            for c, a in sorted(by_char.items())]  # fmt: skip
    return "(?:" + "|".join(alts) + ")"


def _marked_trie(tails: list[str], c: str, not_before: tuple[str, ...]) -> str:
    """A trie of entry tails where NUL marks the end of the entry's first word: there the
    look-behinds for that first word (``c`` + the path so far) go."""
    root: dict[str, dict] = {}  # type: ignore[type-arg]
    for t in tails:
        node = root
        for ch in t:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict, path: str) -> str:  # type: ignore[type-arg]
        alts = []
        for ch, child in sorted(node.items()):
            if not ch:
                continue
            if ch == "\0":
                head = "".join(f"(?<!{b}{re.escape(c + path)})" for b in not_before)
            else:
                head = S if ch == " " else re.escape(ch)
            alts.append(head + build(child, path if ch == "\0" else path + ch))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(root, "")


def opening(*word_lists: tuple[str, ...]) -> str:
    """A look-ahead for the first letters of a pattern that opens with a word of one of
    ``word_lists``: for an alternation of groups (which the regex engine cannot skip
    through by first letter) it rejects most positions at once."""
    chars = sorted({w[0] for words in word_lists for w in words})
    return "(?=[" + "".join(re.escape(c) for c in chars) + "])"


def _opt(part: str) -> str:
    return f"(?:{part}{S})?"


_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def _word_start_free(pattern: str) -> re.Pattern[str]:
    """Compile ``pattern`` without its leading word-start look-behinds: a pattern that
    starts with letters lets the regex engine skip ahead to a possible first letter.
    ``_matches`` puts the word-start test back."""
    return re.compile(pattern.replace(B0, ""))


def _matches(rx: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Like ``rx.finditer(text)`` for a pattern from ``_word_start_free``: only matches
    that start a word (a match inside a word is skipped and the search goes on from
    the next character, so the result is the same as with the look-behind)."""
    pos = 0
    n = len(text)
    while pos <= n:
        m = rx.search(text, pos)
        if m is None:
            return
        start, end = m.span()
        if start and text[start - 1] in _ALNUM:
            pos = start + 1
            continue
        yield m
        pos = end if end > start else start + 1


YOU_WORDS = ("you", "u", "ya", "yu", "yuo", "youu")
YOUR_WORDS = ("your", "ur", "youre", "yer", "yur", "you re", "you are", "u r", "ur a")
_YOU = _w(*YOU_WORDS)
_YOUR = _w(*YOUR_WORDS)

_Group = tuple[
    frozenset[str],
    tuple[frozenset[str], ...],
    "re.Pattern[str]",
    tuple[str, ...],
    int,
    str,
    tuple[frozenset[str], ...],
]


def _group(
    anchors: str,
    pattern: str,
    cats: tuple[str, ...],
    sev: int,
    reason: str,
    gates: tuple[str, ...] = (),
) -> _Group:
    """A phrase group; it runs when the message has one of the anchor words, and for an
    anchor written "a+b", when it has both words; and then only if it also has a word
    of every gate (a space-separated word set: "wait till" AND "recess lunch ...")."""
    singles = frozenset(a for a in anchors.split() if "+" not in a)
    pairs = tuple(frozenset(a.split("+")) for a in anchors.split() if "+" in a)
    gate_sets = tuple(frozenset(g.split()) for g in gates)
    return (singles, pairs, _word_start_free(pattern), cats, sev, reason, gate_sets)
