"""Book talk: the class's book, homonyms, history, a story's dialogue, book secrets.

A word of the class's book (title, author, characters, chapter titles) is a name there;
the same word aimed at someone is judged as usual.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.screening import Book, Context, screen
from bot.screening.book_names import aimed, book_names
from bot.screening.children import Example, examples, passes
from bot.screening.evaluate import main as evaluate
from bot.screening.evaluate import read_book
from bot.screening.verdict import GROOMING, INSULT, PROFANITY, SELF_HARM, SLUR
from cogs.moderation.policy import screening_deadline

WHITTINGTON = Book(
    title="Dick Whittington and His Cat",
    author="Nell Harrow",
    characters=("Dick Whittington", "Alice Fitzwarren"),
    chapters=("Turn Again, Whittington",),
)
LANTERN = Book(title="The Lantern Girls", characters=("Sissy",))
STUPID_DOG = Book(title="The Stupid Dog", chapters=("The Dumb Idea",))


def cats(text: str, book: Book | None = None) -> frozenset[str]:
    return screen(text, Context(book=book) if book is not None else None).categories


# --- the class's book --------------------------------------------------------------


def test_a_book_is_a_frozen_hashable_value_and_its_names_are_built_once() -> None:
    same = Book(title="Dick Whittington and His Cat", author="Nell Harrow",
                characters=("Dick Whittington", "Alice Fitzwarren"),
                chapters=("Turn Again, Whittington",))  # fmt: skip
    assert same == WHITTINGTON and hash(same) == hash(WHITTINGTON)
    assert book_names(same) is book_names(WHITTINGTON)
    with pytest.raises(AttributeError):
        WHITTINGTON.title = "x"  # type: ignore[misc]
    assert hash(Context(book=WHITTINGTON)) == hash(Context(book=same))
    # screening may run in a worker process (cogs/moderation/policy.py): it travels there
    assert pickle.loads(pickle.dumps(Context(book=WHITTINGTON))).book == WHITTINGTON


def test_the_whole_name_is_clean_and_the_same_word_elsewhere_is_judged_as_usual() -> None:
    book = Book(characters=("Dick Whittington",))
    assert not cats("dick whittington walked to london", book)
    v = screen("dick whittington is a dick", Context(book=book))
    assert v.categories == {PROFANITY}
    assert [(s.start, s.end) for s in v.spans] == [(22, 26)]  # the second "dick" only


def test_a_word_of_a_persons_name_is_a_name_when_written_with_a_capital() -> None:
    assert not cats("i was sad when Dick had no money", WHITTINGTON)
    assert PROFANITY in cats("i was sad when dick had no money", WHITTINGTON)
    assert PROFANITY in cats("what a Dick", WHITTINGTON)


def test_a_single_word_character_is_a_name_in_any_case_unless_aimed_at_someone() -> None:
    assert INSULT in cats("i think sissy was brave")
    assert not cats("i think sissy was brave", LANTERN)
    assert not cats("sissy!!", LANTERN)
    for aimed_at in ("ur such a sissy", "u sissy", "stop being a sissy", "he is a sissy"):
        assert INSULT in cats(aimed_at, LANTERN), aimed_at


def test_a_title_and_chapter_titles_are_names_and_shortened_titles_too() -> None:
    assert not cats("the stupid dog is so funny", STUPID_DOG)
    assert not cats("the dumb idea chapter made me laugh", STUPID_DOG)
    assert INSULT in cats("ur a stupid dog", STUPID_DOG)
    butt = Book(title="The Day My Butt Went Psycho!")
    assert PROFANITY in cats("my butt went psycho lol")
    assert not cats("my butt went psycho lol", butt)


def test_honorifics_and_articles_are_dropped_as_children_drop_them() -> None:
    twits = Book(title="The Twits", characters=("Mr Twit", "Mrs Twit"))
    assert INSULT in cats("i love the twits")
    assert not cats("i love the twits", twits)
    assert not cats("mr twit is gross", twits)
    assert INSULT in cats("ur a twit", twits)


def test_a_name_is_clean_in_any_category_the_teacher_entered_it_in() -> None:
    tom = Book(title="The Adventures of Tom Sawyer", characters=("Injun Joe", "Becky Thatcher"))
    assert SLUR in cats("injun joe was so scary")
    assert not cats("injun joe was so scary", tom)
    assert SLUR in cats("ur an injun", tom)


def test_what_the_teacher_typed_is_never_a_pattern_and_a_huge_book_is_bounded() -> None:
    odd = Book(title="(((a+)+)+$", author="[", characters=(".*", "\\", "dick*"),
               chapters=("?" * 300,))  # fmt: skip
    assert PROFANITY in cats("this is shit", odd)
    huge = Book(title="x " * 5_000, characters=tuple(f"Name{i} Dick" for i in range(5_000)))
    assert PROFANITY in cats("u dick", huge)
    assert len(book_names(huge).parts) <= 1_000


def test_aimed_reads_the_words_before_a_word() -> None:
    def at(text: str) -> bool:
        words = text.split()
        return aimed(words, len(words) - 1)

    assert at("you X") and at("ur such a X") and at("shut up X") and at("you are all X")
    assert at("she is a X") and at("what a big fat X")
    assert not at("did you read X") and not at("the X") and not at("X")
    assert not aimed("my cat is a X".split(), 4, third=False)


# --- homonyms and names without a book ---------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "the donkey brayed and the farmer called the ass stubborn",
        "the cock crowed before dawn and woke the hens",
        "she got a cocker spaniel puppy",
        "our maine coon sleeps on my bed",
        "pussy willow grows by the pond",
        "the blue tit came to the feeder",
        "the mother hound had a litter, the bitch was tired",
        "we read moby dick in class",
        "then Dick Whittington heard the bells",
        "kkkk that was funny",
        "he/she can choose",
    ],
)
def test_an_ordinary_sense_in_book_talk_is_clean(text: str) -> None:
    assert screen(text).clean, screen(text).reasons


@pytest.mark.parametrize(
    ("text", "cat"),
    [
        ("you ass", PROFANITY),
        ("ur such an ass, ride ur donkey", PROFANITY),
        ("a$$ donkey", PROFANITY),
        ("what a dick", PROFANITY),
        ("DICK", PROFANITY),
        ("ur a pussy cat", PROFANITY),
        ("you he/she", SLUR),
        ("he-she", SLUR),
        ("kkk", INSULT),
    ],
)
def test_the_same_words_aimed_disguised_or_shouted_are_still_caught(text: str, cat: str) -> None:
    assert cat in cats(text)


def test_a_given_name_needs_a_capital_after_a_lower_case_word() -> None:
    assert not cats("and then Sissy ran home")
    assert INSULT in cats("and then sissy ran home")
    assert INSULT in cats("Sissy.")  # the first word of a sentence is no sign


# --- history ----------------------------------------------------------------------


def test_a_historical_mention_is_clean_and_a_direct_slur_is_not() -> None:
    assert not cats("the Nazis invaded Poland in the book")
    assert not cats("a ww2 novel about Nazi Germany")
    assert not cats("the kkk marched in the civil rights chapter")
    for text in ("you're a nazi", "ur such a nazi", "sam is a nazi", "nazi lol"):
        assert INSULT in cats(text), text


# --- a story's dialogue -----------------------------------------------------------


def test_a_narrators_quotation_closed_by_a_tag_is_dialogue() -> None:
    assert not cats("'You fool!' cried the wizard, and he vanished.")
    assert not cats('"Idiot," she muttered, and closed the book.')
    assert not cats("'I'll squash you!' roared the giant.")
    assert not cats("Be quiet, you coward!' and then she ran away.")
    assert not cats("The toad said, 'You are a stupid frog.'")
    assert not cats('"Hell\'s bells!" cried the captain.')
    assert INSULT in cats("I said, 'you idiot!'")


def test_a_child_telling_what_was_said_to_them_is_not_dialogue() -> None:
    assert INSULT in cats('"ur an idiot" lol')
    assert INSULT in cats('"you\'re so dumb," said Jake to me')
    assert INSULT in cats("'you idiot!' he said to me at lunch")
    # a threat counts as dialogue only with a tag naming the speaker ("roared the giant");
    # "he said" may be a child telling what someone said to them: the teacher looks
    assert "bullying" in cats("'i'll kill you!' and then she ran off")
    assert "bullying" in cats("'I'll kill you!' he said, and the door slammed.")
    assert "bullying" in cats("he said, 'i will kill you'")
    assert not cats("'I'll kill you!' snarled the wolf, and the door slammed.")


# --- secrets and dying in book talk -------------------------------------------------


def test_keeping_the_books_secrets_is_not_a_secret_from_adults() -> None:
    for text in (
        "don't tell anyone the ending!!",
        "dont tell anybody about this book",
        "shh dont tell anyone who dies",
        "i know the ending but ill keep it a secret",
    ):
        assert not cats(text) & {GROOMING, SELF_HARM}, text
    assert GROOMING in cats("dont tell anyone we talk")
    assert GROOMING in cats("dont tell your mum about the book we chat about")
    assert GROOMING in cats("don't tell anyone about this, it's our secret")


def test_dying_of_boredom_is_a_figure_of_speech() -> None:
    assert SELF_HARM not in cats("i'm going to die of boredom")
    assert SELF_HARM not in cats("im going to die laughing at this chapter")
    assert SELF_HARM in cats("i'm going to die")


# --- tools --------------------------------------------------------------------------


def test_screen_context_file_changes_the_predictions(tmp_path: Path) -> None:
    rows = tmp_path / "in.tsv"
    rows.write_text("id\ttext\n1\tsissy was so brave\n2\tur such a sissy\n", encoding="utf-8")
    book = tmp_path / "book.toml"
    book.write_text('title = "The Lantern Girls"\ncharacters = ["Sissy"]\n', encoding="utf-8")
    plain, with_book = tmp_path / "plain.tsv", tmp_path / "book.tsv"
    assert evaluate(["--tsv", str(rows), "--out", str(plain)]) == 0
    assert evaluate(["--tsv", str(rows), "--out", str(with_book), "--context", str(book)]) == 0
    assert plain.read_text().splitlines()[1:] == ["1\t1\t0\t0", "2\t1\t0\t0"]
    assert with_book.read_text().splitlines()[1:] == ["1\t0\t0\t0", "2\t1\t0\t0"]
    broken = tmp_path / "broken.toml"
    broken.write_text("characters = 'Sissy'\n", encoding="utf-8")
    assert evaluate(["--tsv", str(rows), "--out", "-", "--context", str(broken)]) == 2


def test_the_readaloud_command_takes_a_context_file(tmp_path: Path) -> None:
    rows = tmp_path / "in.tsv"
    rows.write_text("id\ttext\n1\tsissy was so brave\n", encoding="utf-8")
    book = tmp_path / "book.toml"
    book.write_text('characters = ["Sissy"]\n', encoding="utf-8")
    out = tmp_path / "out.tsv"
    cmd = [sys.executable, "-m", "bot", "screen", "--tsv", str(rows), "--out", str(out)]
    done = subprocess.run([*cmd, "--context", str(book)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert out.read_text().splitlines()[1] == "1\t0\t0\t0"


def test_a_season_plan_file_is_a_context_file_too() -> None:
    season = Path(__file__).parents[2] / "examples" / "lighthouse-mice.toml"
    book = read_book(season)
    assert book.title == "The Lighthouse Mice" and "Pip" in book.characters
    assert "A Light in the Storm" in book.chapters
    small = read_book(season.with_name("book-context.toml"))
    assert small.characters == book.characters and small.author == "Ada Quill"


def test_child_examples_name_their_book_in_a_column() -> None:
    named = [e for e in examples() if e.book is not None]
    assert named and all(isinstance(e.book, Book) for e in named)
    row = Example("book_names", 2, "sissy is brave", "clean", LANTERN)
    assert passes(row) and not passes(Example("book_names", 2, "sissy is brave", "clean"))


# --- no backtracking ------------------------------------------------------------------

PREFIXES = ["", "'Idiot!' said ", "you coward!' and ", "dont tell anyone ",
            "i'm going to die ", "he/", "kkkk ", "the nazis ", "moby dick ", "sissy "]  # fmt: skip
UNITS = ["a", "A", "'", "!'", "a'", " ", "a ", "!", "/", "-", "k", "the ", "of ", "he/she "]
DEADLINE = screening_deadline()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(PREFIXES),
    st.lists(st.sampled_from(UNITS), min_size=1, max_size=3),
    st.integers(min_value=1, max_value=10_000),
)
def test_long_runs_after_book_talk_triggers_finish(prefix: str, unit: list[str], n: int) -> None:
    text = prefix + ("".join(unit) * n)[:10_000]
    ctx = Context(book=WHITTINGTON)
    verdict = DEADLINE.run(screen, text, ctx)
    assert all(0 <= s.start <= s.end <= len(text) for s in verdict.spans)
