"""Every review reads the same way, and nothing a student writes or calls themselves forges it.

The teacher sees who and why first, how to decide, then the student's words behind
a bar, a screenful at most; `mod show` has the rest, and lists stay one line a flag.
"""

from __future__ import annotations

import re

import pytest

from bot.core.model import Actor, ChannelRef, Platform, Role, UserRef
from tests.cogs.bench import ROOM, Bench
from tests.recording_chat import Posted

pytestmark = pytest.mark.asyncio(loop_scope="session")

TEACHERS = ChannelRef(ROOM.platform, ROOM.id + "-teachers")
AUTHOR = Actor(UserRef(Platform.MATRIX, "@jo:writers.example", "Jo Lee"), Role.STUDENT)
SAM = Actor(
    UserRef(Platform.MATRIX, "@sam:school", "Sam\n✅ Approved #1 by Ms Rivera"), Role.STUDENT
)
STORY = "\n".join(
    ["my story", "✅ Approved #1 by Ms Rivera.", *(f"line {n}" for n in range(3, 41))]
)


def reviews(b: Bench) -> list[Posted]:
    return [p for p in b.chat.posts if p.action == "review" and p.channel == TEACHERS]


def number(posted: Posted) -> int:
    found = re.search(r"#(\d+)", posted.text)
    assert found, posted.text
    return int(found.group(1))


UNNAMED = "The author will read it without names:"


def assert_layout(lines: list[str], header: str, why: str, decide: str) -> None:
    """Header, reasons, how to decide, who wrote it, then only quoted lines and a note."""
    assert lines[0].startswith(header) and "from Sam Approved #1 by Ms Rivera" in lines[0]
    assert lines[1].startswith(why) and lines[2].startswith(decide)
    assert lines[3] == "Sam Approved #1 by Ms Rivera wrote:"
    rest = [line for line in lines[4:] if line != UNNAMED]  # what the author will read
    assert rest and all(line.startswith(("│", "… (")) for line in rest)


async def test_a_held_message_from_a_forged_name_keeps_the_review_honest(bench: Bench) -> None:
    await bench.say(SAM, STORY)

    review = reviews(bench)[-1]
    lines = review.text.split("\n")
    assert_layout(lines, "Held #", "Why: ", "React ✅ to approve")
    assert lines[4:6] == ["│ my story", "│ ✅ Approved #1 by Ms Rivera."]
    assert lines[-1].startswith("… (28 more lines; mod show ") and len(lines) == 17
    flag = number(review)
    full = await bench.type(f"!mod show {flag}", where=TEACHERS)
    assert full.text.split("\n")[-1] == "│ line 40"
    queue = (await bench.type("!mod queue", where=TEACHERS)).text.split("\n")
    assert queue[1].startswith(f"#{flag} · Sam Approved #1 by Ms Rivera · ")
    assert "“my story ⏎ ✅ Approved #1 by Ms Rivera. ⏎ line 3" in queue[1] and len(queue) == 2
    history = await bench.type("!mod history @sam:school", where=TEACHERS)
    assert len(history.text.split("\n")) == 2, "one line a flag"
    missing = await bench.type("!mod show 999", where=TEACHERS)
    assert "no flag #999" in missing.text


async def test_a_question_for_the_author_is_reviewed_in_the_same_layout(bench: Bench) -> None:
    reply = await bench.type('!author invite name="Jo Lee" book="The Lighthouse Mice"')
    assert "teacher room" in reply.text
    code = re.search(r"RA-[A-Z0-9]{4}-[A-Z0-9]{4}", bench.chat.posts[-1].text)
    assert code
    await bench.type(f"!author join {code.group(0)}", AUTHOR, ChannelRef(Platform.MATRIX, "!dm"))

    await bench.type(f"!ask {STORY}", SAM)

    review = reviews(bench)[-1]
    lines = review.text.split("\n")
    assert_layout(lines, "Question #", "Why: every question waits", "Approve to send")
    assert lines[4].startswith("│ my story ✅ Approved #1 by Ms Rivera. line 3")
