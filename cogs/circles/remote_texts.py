"""What teachers are told about circles with other installations (schools, homeservers)."""

from __future__ import annotations

from bot.core.wording import plural

# why another installation refused a join request -> what to do instead
REFUSED = {
    "unknown": "that school's bot doesn't know the code. Check it with the teacher who "
    "made the circle (it looks like RC-7KQ2-M9XD), and that you typed their bot's address",
    "used": "that code was already used (each code works once). Please ask the circle's "
    "teacher for a new one: they type `circle code`",
    "expired": "that code has expired. Please ask the circle's teacher for a new one: they "
    "type `circle code`",
    "busy": "that school's bot could not take the request just now. Please type the same "
    "`circle join` again in a few minutes",
}


def asked(bot: str) -> str:
    return (
        f"🔗 I've asked the other school's bot ({bot}) to let your class into its circle. "
        "I'll tell you in the teacher room when it answers."
    )


def refused(reason: str) -> str:
    why = REFUSED.get(reason, REFUSED["unknown"])
    return f"🔗 Your class could not join the other school's circle: {why}."


def joined(name: str, book: str, labels: list[str]) -> str:
    others = ", ".join(labels) or "no other class yet"
    return (
        f"🔗 Your class joined the circle “{name}”, reading “{book}”, with {others}. "
        "They see your class's name and region and your students' first names only."
    )


def partner_joined(label: str, name: str) -> str:
    return f"🔗 {label} (another school) joined your circle “{name}”."


def partner_away(bot: str, count: int) -> str:
    return (
        f"🔗 The classes of another school in your circle ({bot}) have not received "
        f"{plural(count, 'post', 'posts')} for two days: their bot or homeserver seems to be "
        "down. They get them when it is back; after a week they are dropped."
    )


def removed(name: str) -> str:
    return (
        f"🔗 Your class was removed from the circle “{name}” by the school that made it. "
        "You can make your own with `circle create NAME`."
    )
