"""Circle commands (teachers, in their class or its teacher room): create, code, join,
list, leave, remove; and for sharing: share, trust, posts, hide, spoiler."""

from __future__ import annotations

from bot.core.commands import NAME_CHARS, Command, Kind, Param, Reply
from bot.core.errors import NotAllowed
from bot.core.model import Role
from bot.core.wording import plural
from cogs.circles import texts
from cogs.circles.remote_join import Joining
from cogs.circles.remote_removal import Removal
from cogs.circles.service import Circles, Made
from cogs.circles.shared_posts import SharedPosts
from cogs.circles.sharing_texts import RULES
from cogs.classroom.calls import ClassCall, in_class
from cogs.classroom.service import ClassroomService

ELSEWHERE = "I've put the one-time circle code in the teacher room."


def _shown(made: Made, prefix: str) -> Reply:
    if not made.in_teacher_room:
        return Reply(ELSEWHERE, private=True)
    text = texts.code_for_teachers(made.code, made.circle, made.book, made.expires_at, prefix)
    return Reply(text, private=True)


def declare(
    circles: Circles,
    classes: ClassroomService,
    posts: SharedPosts,
    joining: Joining | None = None,
    removal: Removal | None = None,
) -> list[Command]:
    """The `circle` group."""
    in_class_ = in_class(classes)

    @in_class_
    async def share(call: ClassCall) -> Reply:
        return Reply(await posts.set_rule(call, call.args["rule"]))

    @in_class_
    async def trust(call: ClassCall) -> Reply:
        return Reply(await posts.trust(call, call.args["name"]))

    @in_class_
    async def listed(call: ClassCall) -> Reply:
        return Reply("\n".join(await posts.listed(call)), private=call.in_class_room)

    @in_class_
    async def hide(call: ClassCall) -> Reply:
        return Reply(await posts.hide(call, call.args["number"]))

    @in_class_
    async def spoiler(call: ClassCall) -> Reply:
        return Reply(await posts.spoiler(call, call.args["number"], call.args["chapter"]))

    @in_class_
    async def create(call: ClassCall) -> Reply:
        return _shown(await circles.create(call, call.args["name"]), call.prefix)

    @in_class_
    async def code(call: ClassCall) -> Reply:
        if joining is not None and await joining.made_elsewhere(call):  # part 3
            raise NotAllowed(
                "Your circle was made at another school: its teacher gives out the codes."
            )
        return _shown(await circles.code(call), call.prefix)

    @in_class_
    async def join(call: ClassCall) -> Reply:
        at = call.args.get("at")  # part 3: a circle of another installation (its bot)
        if at and joining is not None:
            return Reply(await joining.ask(call, call.args["code"], at))
        return Reply(await circles.join(call, call.args["code"]))

    @in_class_
    async def list_(call: ClassCall) -> Reply:
        found = await circles.members(call)
        # the classes of other schools in the circle, as their installations describe them
        others = await joining.partner_lines(call) if joining is not None else []
        lines = [
            f"🔗 Circle “{found.circle}”, reading “{found.book}”: "
            f"{plural(len(found.classes) + len(others), 'class', 'classes')}"
        ]
        lines += [
            texts.member_line(m.label, m.platform, m.chapter, m.creator) for m in found.classes
        ]
        return Reply("\n".join([*lines, *others]))

    @in_class_
    async def leave(call: ClassCall) -> Reply:
        if joining is not None:  # part 3: other installations stop sending at once
            await joining.leaving(call)
        return Reply(await circles.leave(call))

    @in_class_
    async def remove(call: ClassCall) -> Reply:
        if joining is not None and await joining.made_elsewhere(call):
            raise NotAllowed("Your circle was made at another school: its teacher removes classes.")
        if removal is not None:  # another school's class, as `circle list` shows it
            removed = await removal.remove(call, call.args["name"])
            if removed is not None:
                return Reply(removed)
        return Reply(await circles.remove(call, call.args["name"]))

    teacher = Role.TEACHER
    return [
        Command(
            ("circle", "create"),
            "a circle of classes reading your class's book, and a code for another class",
            teacher,
            create,
            (Param("name", Kind.TEXT, "the circle's name", max_length=NAME_CHARS),),
        ),
        Command(("circle", "code"), "another one-time code for a class to join", teacher, code),
        Command(
            ("circle", "join"),
            "join another class's circle with the code its teacher gave you",
            teacher,
            join,
            (
                Param("code", Kind.WORD, "the code, like RC-7KQ2-M9XD"),
                Param(
                    "at",
                    Kind.WORD,
                    "another school's bot, like @readaloud:school-a.example",
                    required=False,
                    max_length=255,
                ),
            ),
        ),
        Command(
            ("circle", "list"), "the classes of your circle and where they are", teacher, list_
        ),
        Command(("circle", "leave"), "your class leaves its circle", teacher, leave),
        Command(
            ("circle", "remove"),
            "remove a class from the circle you made",
            teacher,
            remove,
            (Param("name", Kind.TEXT, "the class's name as the list shows it", max_length=200),),
        ),
        Command(
            ("circle", "share"),
            "what your class shares with its circle: approved (the default), all or none",
            teacher,
            share,
            (Param("rule", Kind.CHOICE, "approved, all or none", choices=RULES),),
        ),
        Command(
            ("circle", "trust"),
            "let a partner class's posts reach your class without waiting for you",
            teacher,
            trust,
            (Param("name", Kind.TEXT, "the class's name as the list shows it", max_length=200),),
        ),
        Command(
            ("circle", "posts"), "what your class shared and received, numbered", teacher, listed
        ),
        Command(
            ("circle", "hide"),
            "hide a circle post from your class (your class's own: taken back everywhere)",
            teacher,
            hide,
            (Param("number", Kind.INT, "the post's number in circle posts", minimum=1),),
        ),
        Command(
            ("circle", "spoiler"),
            "your class's post waits for the partners' session of a later chapter",
            teacher,
            spoiler,
            (
                Param("number", Kind.INT, "the post's number in circle posts", minimum=1),
                Param("chapter", Kind.INT, "the chapter it gives away", minimum=1),
            ),
        ),
    ]
