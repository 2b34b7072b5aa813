"""Where in a message a rule can match: the stretches around its anchor words.

A phrase rule ("i go to ... primary", "my roblox is ...") has a word it cannot match
without; searching only the text around each place that word occurs keeps a long
message (a pasted paragraph) from costing a scan of every character per rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

__all__ = ["lower_view", "near", "occurrences"]


def _whole(low: str, anchors: Iterable[str]) -> Iterator[tuple[int, int]]:
    """(start, end) of each anchor in ``low`` where a word anchor is a whole word
    (letters and digits around it end it: "st" is not in "first")."""
    n = len(low)
    for w in anchors:
        head, tail = w[0].isalnum(), w[-1].isalnum()
        i = low.find(w)
        while i >= 0:
            j = i + len(w)
            if not (head and i and low[i - 1].isalnum()) and not (
                tail and j < n and low[j].isalnum()
            ):
                yield i, j
            i = low.find(w, i + 1)


def occurrences(low: str, anchors: Iterable[str]) -> list[int]:
    """Where each anchor word occurs in ``low`` as a whole word, in order."""
    return sorted(i for i, _ in _whole(low, anchors))


def near(low: str, anchors: Iterable[str], before: int, after: int) -> list[tuple[int, int]]:
    """Merged (start, end) stretches of ``low`` (the lower-cased text, same offsets as
    the text when it is ASCII) from ``before`` characters before each occurrence of an
    anchor to ``after`` characters after its end. A word anchor counts only where it
    is a whole word (letters and digits around it end it), as the rules read words."""
    n = len(low)
    spans = [(max(0, i - before), min(n, j + after)) for i, j in _whole(low, anchors)]
    if len(spans) <= 1:
        return spans
    spans.sort()
    out = [spans[0]]
    for a, b in spans[1:]:
        if a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def lower_view(text: str) -> str:
    """``text`` in lower case with the same offsets (a character whose lower case is
    longer, like "İ", is kept as it is). Rules then run without re.IGNORECASE, which is
    slow on text with non-ASCII characters."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
