"""Guest author commands: invite/profile/quota (teacher), join/inbox/answer/pass/leave
(author, in a direct message), ask and questions (students)."""

from __future__ import annotations

from bot.core.commands import (
    ANSWER_CHARS,
    NAME_CHARS,
    QUESTION_CHARS,
    TITLE_CHARS,
    Command,
    Invocation,
    Kind,
    Param,
    Reply,
)
from bot.core.model import Role
from bot.core.wording import plural
from cogs.authors import texts
from cogs.authors.onboarding import INVITE_DAYS
from cogs.authors.service import GuestAuthors
from cogs.classroom.calls import ClassCall, in_class

ITEM = Param("item", Kind.INT, "the question number from your inbox", minimum=1)


def declare(authors: GuestAuthors) -> list[Command]:
    """The `author` group and the `ask`, `answer` and `questions` commands."""
    directory, desk, questions = authors.directory, authors.desk, authors.questions
    classes = directory.classes
    in_class_ = in_class(classes)

    @in_class_
    async def invite(call: ClassCall) -> Reply:
        a = call.args
        made = await directory.invite(call, a["name"], a["book"], a["days"])
        if not made.in_teacher_room:
            return Reply("I've put the one-time invite code in the teacher room.", private=True)
        text = texts.invite_code(made.code, made.name, made.book, made.expires_at, made.days)
        return Reply(text, private=True)

    async def join(inv: Invocation) -> Reply:
        typed_in_class = await classes.find(inv.channel) is not None
        joined = await directory.join(inv.actor.user, inv.args["code"], typed_in_class)
        return Reply(texts.welcome(joined.name, joined.book, joined.where))

    async def inbox(inv: Invocation) -> Reply:
        items = await desk.inbox(inv.actor.user)
        if not items:
            return Reply("Your inbox is empty. New questions will arrive here. ☕")
        lines = [f"{plural(len(items), 'question')} waiting, most-asked first:"]
        lines += [texts.inbox_line(i.number, i.classes, i.text, i.context) for i in items]
        lines.append("Answer with: !answer N your answer — or reply to the question message.")
        return Reply("\n".join(lines))

    async def answer(inv: Invocation) -> Reply:
        closed = await desk.answer(inv.actor.user, inv.args["item"], inv.args["text"])
        return Reply(texts.sent(closed.classes, closed.held, closed.waiting))

    async def pass_(inv: Invocation) -> Reply:
        closed = await desk.pass_(inv.actor.user, inv.args["item"])
        return Reply(texts.passed(closed.classes))

    async def leave(inv: Invocation) -> Reply:
        return Reply(await directory.leave(inv.actor.user))

    @in_class_
    async def profile(call: ClassCall) -> Reply:
        a = call.args
        prof = await directory.set_profile(call.class_id, call.actor, a["name"], a["region"])
        return Reply(
            f"Guest authors see this class as: {prof.where}. "
            "They never see a student's name or account."
        )

    @in_class_
    async def quota(call: ClassCall) -> Reply:
        daily = call.args["per_day"]
        prof = await directory.set_profile(call.class_id, call.actor, daily=daily)
        return Reply(f"Your class may now ask {plural(prof.daily_questions, 'question')} a day.")

    @in_class_
    async def review(call: ClassCall) -> Reply:
        on = call.args["setting"] == "on"
        prof = await directory.set_profile(call.class_id, call.actor, review_answers=on)
        return Reply(texts.review_setting(prof.review_answers))

    @in_class_
    async def ask(call: ClassCall) -> Reply:
        asked = await questions.ask(call, call.args["question"])
        return Reply(texts.asked(asked.author), private=True)

    @in_class_
    async def status(call: ClassCall) -> Reply:
        found = await questions.statuses(call.class_id, call.actor)
        if not found:
            return Reply("No questions for the guest author yet. Ask one with: ask …")
        lines = ["Our questions for the guest author:"]
        for q in found:
            who = f" ({q.student})" if q.student else ""
            lines.append(f"• “{q.text[:100]}”{who} — {q.status}")
        return Reply("\n".join(lines), private=True)

    teacher, author = Role.TEACHER, Role.AUTHOR
    return [
        Command(
            ("author", "invite"),
            "a one-time code for a guest author to join",
            teacher,
            invite,
            (
                Param("name", Kind.TEXT, "the author's name", max_length=NAME_CHARS),
                Param("book", Kind.TEXT, "the book they wrote", max_length=TITLE_CHARS),
                Param(
                    "days",
                    Kind.INT,
                    "how many days the code works",
                    required=False,
                    default=INVITE_DAYS,
                    minimum=1,
                ),
            ),
        ),
        Command(
            ("author", "join"),
            "join as a guest author with your invite code (in a direct message)",
            Role.STUDENT,
            join,
            (Param("code", Kind.WORD, "the code the teacher gave you"),),
            direct=True,
        ),
        Command(
            ("author", "inbox"), "questions waiting, most-asked first", author, inbox, direct=True
        ),
        Command(
            ("answer",),
            "answer a question once, for every class that asked",
            author,
            answer,
            (ITEM, Param("text", Kind.TEXT, "your answer", max_length=ANSWER_CHARS)),
            direct=True,
        ),
        Command(
            ("author", "pass"),
            "kindly tell the classes you can't answer one",
            author,
            pass_,
            (ITEM,),
            direct=True,
        ),
        Command(("author", "leave"), "stop receiving questions", author, leave, direct=True),
        Command(
            ("author", "profile"),
            "how guest authors see this class (its name and region)",
            teacher,
            profile,
            (
                Param(
                    "name",
                    Kind.TEXT,
                    "the class name authors see",
                    required=False,
                    max_length=NAME_CHARS,
                ),
                Param(
                    "region",
                    Kind.TEXT,
                    "town or region authors see",
                    required=False,
                    max_length=NAME_CHARS,
                ),
            ),
        ),
        Command(
            ("author", "quota"),
            "how many questions the class may ask a day",
            teacher,
            quota,
            (Param("per_day", Kind.INT, "questions per day (0 pauses asking)", minimum=0),),
        ),
        Command(
            ("author", "review"),
            "whether every guest author answer waits for your tap before the class sees it",
            teacher,
            review,
            (
                Param(
                    "setting",
                    Kind.CHOICE,
                    "on: every answer waits for you (the default); off: clean answers are "
                    "posted at once",
                    choices=("on", "off"),
                ),
            ),
        ),
        Command(
            ("ask",),
            "ask the guest author a question (your teacher checks it first)",
            Role.STUDENT,
            ask,
            (Param("question", Kind.TEXT, "your question", max_length=QUESTION_CHARS),),
        ),
        Command(
            ("questions",),
            "our questions for the guest author and where they are",
            Role.STUDENT,
            status,
        ),
    ]
