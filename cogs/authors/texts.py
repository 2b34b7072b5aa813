"""Words the bot says about guest authors: warm for students, clear for teachers and authors.

Nothing written for the author ever takes a student's name or account: only
the class's display name and region, the book and the chapter.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.names import clean
from bot.core.quoting import review_quote
from bot.core.wording import plural, sentence
from bot.db.states import QuestionState
from cogs.review.texts import review_layout

P = "!"  # direct messages take `!` commands on every platform (Discord also has /answer)

STATUS: dict[QuestionState, str] = {
    QuestionState.ASKED: "waiting for your teacher",
    QuestionState.APPROVED: "approved by your teacher",
    QuestionState.RELAYED: "with the author",
    QuestionState.ANSWERED: "answered",
    QuestionState.ANSWER_HELD: "answered (your teacher is checking the answer)",
    QuestionState.PASSED: "the author can't answer this one",
    QuestionState.REJECTED: "not sent",
    QuestionState.WITHHELD: "answered, but your teacher kept the answer back",
    QuestionState.DROPPED: "not answered: the author has left",
}


def where_from(display_name: str, region: str) -> str:
    return f"{display_name} ({region})" if region else display_name


def context(book: str, chapter: int | None) -> str:
    shown = f"“{book}”" if book else "the book"
    return f"{shown}, read up to chapter {chapter}" if chapter else shown


def invite_code(code: str, name: str, book: str, expires: datetime, days: int) -> str:
    return (
        f"Invite code for {name} (“{book}”): {code}\n"
        f"It works once, for {days} days (until {expires:%d %b %Y}). Give it to the author "
        f"privately; they send me `{P}author join {code}` in a direct message. "
        "On Discord the author must share a server with me first (see docs/authors.md)."
    )


def code_exposed_for_typist() -> str:
    """For whoever posted an invite code in the class room (a student or a teacher)."""
    return (
        "That was a guest author's invite code. Codes are secret, so I removed your message "
        "and cancelled the code. The teacher will make a new one and give it to the author "
        "privately."
    )


def code_exposed_for_teachers(name: str, book: str, by: str, removed: bool) -> str:
    removed_text = "removed the message" if removed else "could NOT remove the message"
    return (
        f"⚠️ The invite code for {name} (“{book}”) was posted in the class room by {by}, "
        f"where students can read it, so I cancelled it and {removed_text}. Make a new one "
        "with `author invite` here in the teacher room and give it to the author privately."
    )


def welcome(name: str, book: str, where: str) -> str:
    return (
        f"Welcome, {name}! You are now the guest author for {where}, reading “{book}”.\n"
        "When a teacher approves a student's question, I send it here — never a student's "
        "name, only the class and where they are in the book. Questions many classes ask "
        "arrive as one, and your answer reaches every one of them.\n" + author_help()
    )


def author_help() -> str:
    return (
        "What you can do here:\n"
        f"• {P}author inbox — questions waiting, most-asked first\n"
        f"• {P}answer N your answer — or simply reply to a question message\n"
        f"• {P}author pass N — politely tell the classes you can't answer that one\n"
        f"• {P}author leave — stop receiving questions"
    )


def stranger_help() -> str:
    return (
        "Hi! I'm the read-aloud bot. If a teacher invited you as a guest author, send me "
        f"`{P}author join CODE` with the code they gave you. Students and teachers talk to me "
        "in their class room."
    )


def joined_for_teachers(name: str, book: str) -> str:
    return (
        f"✅ {name} joined as your guest author for “{book}”. Students can now ask with "
        "`ask …`; every question waits for you first."
    )


def new_question(number: int, where: str, ctx: str, text: str) -> str:
    return (
        f"📬 Question #{number} from {where}, {ctx}:\n“{text}”\n"
        f"Reply to this message with your answer, or: {P}answer {number} … · "
        f"{P}author pass {number}"
    )


def inbox_line(number: int, classes: int, text: str, ctx: str) -> str:
    asked = "asked by 1 class" if classes == 1 else f"asked by {classes} classes"
    return f"#{number} · {asked} · “{text[:120]}” ({ctx})"


def asked(author: str) -> str:
    return (
        f"Thanks! Your question for {author} is waiting for your teacher, who reads every "
        "question first."
    )


def with_author(student: str, author: str, text: str) -> str:
    name = clean(student)
    return f"{name}, your teacher approved your question “{text}”. It's now with {author}! 📬"


def already_answered(student: str, author: str, text: str) -> str:
    return (
        f"{clean(student)}, your teacher approved your question “{text}”. {author} has already "
        "answered the same question for another class, so the answer is on its way "
        "to our class now! ✉️"
    )


def not_sent(student: str, reason: str) -> str:
    why = f" Your teacher says: {sentence(reason)}" if reason.strip() else ""
    return f"{clean(student)}, your teacher decided not to send your question this time.{why}"


def asked_at(chapter: int | None) -> str:
    """When the class asked, by the chapter it had reached."""
    return f" from chapter {chapter}" if chapter else ""


def answer_in_class(
    author: str, wording: str, answer: str, classes: int, chapter: int | None = None
) -> str:
    others = f" ({classes} classes asked this)" if classes > 1 else ""
    return (
        f"✉️ {author} answered our class's question{asked_at(chapter)}{others}:\n"
        f"> {wording}\n{answer}"
    )


def pass_in_class(author: str, wording: str, chapter: int | None = None) -> str:
    return (
        f"🙏 {author} read our class's question{asked_at(chapter)} “{wording}” and can't "
        "answer that one, but thank you for asking!"
    )


def answer_for_teachers(author: str, wording: str, student: str, answer: str) -> str:
    asked_by = clean(student)
    return f"✉️ {author} answered “{wording}” (asked by {asked_by}), posted for the class:\n{answer}"


def pass_for_teachers(author: str, wording: str, student: str) -> str:
    return (
        f"🙏 {author} passed on “{wording}” (asked by {clean(student)}); the class was told kindly."
    )


def sent(classes: int, found: bool, waiting: int = 0) -> str:
    """`found`: screening saw something teachers check; `waiting`: classes whose teacher
    looks first."""
    where = "1 class" if classes == 1 else f"{classes} classes"
    if found:
        note = (
            " Your answer has something teachers check first (a link, say), so each class's "
            "teacher approves it before their students see it."
        )
    elif waiting:
        note = (
            " Teachers look at guest answers before their class sees them, so it may take "
            "a little while to appear."
        )
    else:
        note = ""
    return f"Thank you! Your answer is on its way to {where}.{note}"


def passed(classes: int) -> str:
    return (
        f"Done: {plural(classes, 'class', 'classes')} will hear, kindly, that you can't answer "
        "that one."
    )


def author_left_for_teachers(name: str, waiting: int) -> str:
    lost = (
        f" {plural(waiting, 'question')} waiting for them will not be answered." if waiting else ""
    )
    return (
        f"👋 {name}, your guest author, has left and no longer receives questions.{lost} "
        "You can invite another author with `author invite`."
    )


def goodbye(name: str) -> str:
    return f"Thank you for visiting, {name}! You won't receive any more questions."


ONLY_NAMES = "(a student introduced themself; there was no question left without names)"


def question_review(
    student: str,
    text: str,
    for_whom: str,
    number: int,
    found: list[str] | None = None,
    shown: str = "",
) -> str:
    """`for_whom` is like: for Jo Lee, “The Book”, read up to chapter 3; `found`: what
    screening saw in the question (personal details, rude words); `shown`: the question as
    the author will read it, when names were taken out."""
    seen = (
        f"⚠️ Screening found: {'; '.join(found)}" if found else "Why: every question waits for you"
    )
    layout = review_layout(
        f"Question #{number} from {clean(student)}, {for_whom}",
        seen,
        "Approve to send it to the author (without the student's name); reject to keep it. "
        f"React ✅ / ❌ or type: mod approve {number} / mod reject {number} reason",
        clean(student),
        text,
        number,
    )
    if not shown or shown == text:
        return layout
    # still the student's words, so quoted the same way
    return f"{layout}\nThe author will read it without names:\n{review_quote(shown)}"


REVIEWS_EVERY_ANSWER = (
    "your class looks at every guest author answer first (to change: author review off)"
)


def review_setting(on: bool) -> str:
    if on:
        return (
            "Every guest author answer now waits for you (✅ / ❌ in the teacher room) before "
            "your class sees it."
        )
    return (
        "Guest author answers that screening finds clean are now posted in your class at once "
        "(you get a copy). Answers with a link, personal details or anything that reads like "
        "grooming still wait for you, always."
    )


def answer_review(author: str, wording: str, answer: str, reasons: list[str], number: int) -> str:
    why = "; ".join(reasons) or "needs a look"
    return (
        f"Answer #{number} from {author} to your class's question “{wording}”:\n{answer}\n"
        f"Why it waits for you: {why}\n"
        f"Approve to post it in the class thread: ✅ / ❌ or mod approve {number} / "
        f"mod reject {number}"
    )
