"""Phrase groups for grooming: how an adult draws a child away from the adults around them.

The shapes, each its own group with an anchor word (see ``phrases.py``):
flattering a child's maturity, asking to talk privately or for a contact
handle, asking which school they go to, asking for secrecy, for photos, to
meet, whether they are alone, and offering gifts. They are written for an
adult's words to children (a guest author's answer reaches every class) and
run on every message: the few that a child might also write ("dm me") still
deserve an adult's look. Rough edges are tested in
tests/screening/test_grooming.py, with the clean controls an author writes.
"""

from __future__ import annotations

from bot.screening.phrase_rx import _YOU, _YOUR, B1, S, _Group, _group, _opt, _seq, _w
from bot.screening.verdict import GROOMING

_ME = _w("me", "meh", "mee")
_DEGREE = _opt(_w("so", "very", "really", "quite", "such", "super", "incredibly", "way"))
# messaging apps (games are left out: children ask each other "do you have roblox" all day)
_PLATFORMS = _w(
    "snapchat", "snap", "insta", "instagram", "tiktok", "tik tok", "discord", "whatsapp",
    "whats app", "kik", "telegram", "skype", "facebook", "messenger", "wechat",
)  # fmt: skip
_HANDLES = _w(
    "snapchat", "snap", "insta", "instagram", "ig", "tiktok", "discord", "whatsapp", "kik",
    "telegram", "skype", "facebook", "fb", "username", "user name", "handle", "gamertag",
    "phone number", "cell number", "mobile number", "mobile", "cell", "number so i can",
    "email", "e mail", "email address", "home address", "address", "real name", "full name",
    "last name", "surname",
)  # fmt: skip
_WHATS = _w(
    "what s", "whats", "wats", "wat s", "what is", "what are", "whats", "give me", "send me",
    "tell me", "dm me", "pm me", "share", "can i have", "can i get", "could i have",
)  # fmt: skip
_ADULTS = _w(
    "teacher", "teachers", "parents", "parent", "mom", "mum", "mommy", "mummy", "dad",
    "daddy", "mother", "father", "family", "friends", "class", "folks", "grown ups", "nan",
    "grandma", "grandpa",
)  # fmt: skip
_DONT = _w("don t", "dont", "do not", "never", "no need to", "you don t have to", "no one needs to")
_PICTURES = _w(
    "photo", "photos", "pic", "pics", "picture", "pictures", "selfie", "selfies", "video",
    "videos", "pix", "snaps",
)  # fmt: skip

GROOMING_GROUPS: tuple[_Group, ...] = (
    _group(
        "mature grown grownup advanced wise",
        "|".join(
            (
                _seq(
                    _w("mature", "grown up", "grownup", "advanced", "wise", "sophisticated"),
                    _w("for"),
                    _w("your", "ur", "you r", "you re", "a"),
                    _w("age", "kid", "child", "girl", "boy"),
                ),
                _seq(_YOUR + S + _DEGREE + _w("mature", "grown up", "grownup")),
            )
        ),
        (GROOMING,),
        3,
        "flatters a child as mature",
    ),
    _group(
        "dm pm inbox text snap whatsapp message msg privately private chat talk speak dms pms "
        "email write secretly d+m p+m",
        "|".join(
            (
                _seq(
                    _w(
                        "dm",
                        "d m",
                        "pm",
                        "p m",
                        "inbox",
                        "text",
                        "snap",
                        "whatsapp",
                        "kik",
                        "dms",
                        "pms",
                    ),
                    _ME,
                ),
                _seq(
                    _w("message", "msg", "text", "chat with", "talk to", "talk with", "dm", "pm"),
                    _w("me"),
                    _w(
                        "privately",
                        "in private",
                        "directly",
                        "personally",
                        "secretly",
                        "in secret",
                        "alone",
                        "any time",
                        "anytime",
                        "whenever",
                    ),
                ),
                _seq(
                    _w("email", "e mail", "write to", "call", "contact", "ring"),
                    _w("me"),
                    _w("privately", "in private", "personally", "secretly", "in secret", "alone"),
                ),
                _seq(
                    _w("private", "privately", "secret", "secretly", "direct"),
                    _w(
                        "message",
                        "messages",
                        "msg",
                        "msgs",
                        "chat",
                        "chats",
                        "dm",
                        "dms",
                        "talk",
                        "conversation",
                        "email",
                    ),
                ),
                _seq(
                    _w("talk", "chat", "speak", "message", "msg", "text"),
                    _opt(_w("to", "with")),
                    _opt(_w("me", "you", "each other", "u")),
                    _w(
                        "privately",
                        "in private",
                        "alone",
                        "secretly",
                        "in secret",
                        "one on one",
                        "1 on 1",
                        "just the two of us",
                        "on my phone",
                    ),
                ),
                _seq(_w("my"), _w("dms", "dm", "inbox", "pms"), _w("is", "are", "r"), _w("open")),
            )
        ),
        (GROOMING,),
        3,
        "asks to talk privately",
    ),
    _group(
        "snapchat snap insta instagram ig tiktok discord whatsapp kik telegram skype facebook "
        "fb username handle gamertag phone cell mobile number email address name surname",
        "|".join(
            (
                _seq(_WHATS, _w("your", "ur", "you r", "yer"), _HANDLES),
                _seq(
                    _w(
                        "do you have",
                        "do u have",
                        "are you on",
                        "r u on",
                        "you on",
                        "have you got",
                        "got",
                        "u on",
                        "do you use",
                        "add me on",
                        "follow me on",
                        "find me on",
                        "message me on",
                        "chat on",
                        "talk on",
                    ),
                    _PLATFORMS,
                ),
            )
        ),
        (GROOMING,),
        3,
        "asks for a contact handle or a child's details",
    ),
    _group(
        "school",
        "|".join(
            (
                _seq(
                    _w("which", "what", "wat", "wich", "where"),
                    _w("school", "schools"),
                    _opt(_w("do", "d", "does", "are", "r")),
                    _w("you", "u", "ya", "your child", "you all", "you guys"),
                    _w("go to", "go 2", "go too", "go", "attend", "at", "in"),
                ),
                _seq(
                    _w("where", "what", "which"),
                    _w("do", "d"),
                    _w("you", "u", "ya"),
                    _w("go to school", "go 2 school", "attend school", "go school"),
                ),
                _seq(
                    _w("what s", "whats", "what is", "wats", "tell me"),
                    _w("your", "ur"),
                    _w("school s name", "school name", "school called", "school address"),
                ),
                _seq(_w("what s", "whats", "what is", "wats"), _w("your", "ur"), _w("school"))
                + r"(?![^a-z0-9]+s(?![a-z0-9]))",  # "what's your school's favourite book": fine
            )
        ),
        (GROOMING,),
        3,
        "asks which school a child goes to",
    ),
    _group(
        "tell secret secrets between delete know",
        "|".join(
            (
                _seq(
                    _DONT,
                    _w("tell", "show", "say", "mention"),
                    _opt(_w("this to", "it to", "this", "it")),
                    _w("your", "ur", "anyone", "anybody", "nobody", "no one"),
                )
                + f"(?:{S}{_ADULTS}{B1})?",
                _seq(
                    _w(
                        "our little secret",
                        "our secret",
                        "a secret between us",
                        "our special secret",
                    )
                ),
                _seq(
                    _w("keep"),
                    _w("this", "it", "that", "our chat", "our chats", "us"),
                    _w(
                        "a secret",
                        "secret",
                        "between us",
                        "between you and me",
                        "to yourself",
                        "private",
                        "quiet",
                    ),
                ),
                _seq(_w("just", "only", "stays"), _w("between us", "between you and me")),
                _seq(
                    _w("nobody", "no one", "noone", "no body"),
                    _w(
                        "needs to", "has to", "have to", "will ever", "else needs to", "else has to"
                    ),
                    _w("know"),
                ),
                _seq(
                    _w("delete", "erase"),
                    _w("this", "these", "the", "my", "our", "all"),
                    _opt(_w("private")),
                    _w("message", "messages", "msg", "msgs", "chat", "chats", "dm", "dms", "texts"),
                ),
            )
        ),
        (GROOMING,),
        3,
        "asks a child to keep a secret from their adults",
    ),
    _group(
        "photo photos pic pics picture pictures selfie selfies video videos pix snaps wearing "
        "camera cam webcam",
        "|".join(
            (
                _seq(
                    _w("send me", "send us", "show me", "give me", "snap me"),
                    _opt(_w("a", "an", "some", "your", "ur", "more", "new", "cute")),
                    _PICTURES,
                ),
                _seq(_w("what are", "what r", "wat r", "wat are"), _YOU, _w("wearing")),
                _seq(
                    _w("turn on", "switch on", "put on", "open"),
                    _w("your", "ur", "the"),
                    _w("camera", "cam", "webcam", "video"),
                ),
                _seq(_w("show me"), _w("yourself", "urself", "your face", "ur face")),
            )
        ),
        (GROOMING,),
        3,
        "asks a child for photos",
    ),
    _group(
        "meet meetup visit pick come hang",
        "|".join(
            (
                _seq(_w("meet"), _w("me", "up with me", "me somewhere", "me after", "me at")),
                _seq(
                    _w(
                        "let s",
                        "lets",
                        "we could",
                        "we should",
                        "can we",
                        "could we",
                        "shall we",
                        "why don t we",
                        "we can",
                    ),
                    _w("meet", "meet up", "hang out", "get together"),
                ),
                _seq(
                    _w("meet"),
                    _w(
                        "in person",
                        "irl",
                        "in real life",
                        "somewhere",
                        "alone",
                        "after school",
                        "secretly",
                        "up",
                    ),
                ),
                _seq(
                    _w("i", "i ll", "ill", "i will", "i can", "i could"),
                    _w(
                        "pick you up",
                        "pick u up",
                        "come get you",
                        "come and get you",
                        "drive you",
                        "come to your house",
                        "visit you",
                    ),
                ),
                _seq(
                    _w("come", "come over", "come round", "visit"),
                    _opt(_w("to")),
                    _w("my house", "my place", "my home", "my flat", "my car", "me"),
                ),
            )
        ),
        (GROOMING,),
        3,
        "asks to meet a child",
    ),
    _group(
        "alone home parents",
        "|".join(
            (
                _seq(_w("are you", "r u", "are u", "r you"), _opt(_w("home")), _w("alone")),
                _seq(
                    _w("are your", "r ur", "are ur", "is your", "is ur"),
                    _w("parents", "mom", "mum", "dad", "family"),
                    _w("home", "around", "there", "away", "out", "watching", "asleep"),
                ),
            )
        ),
        (GROOMING,),
        3,
        "asks whether a child is alone",
    ),
    _group(
        "buy send gift present robux vbucks",
        _seq(
            _w("i", "i ll", "ill", "i will", "i can", "i could", "i d"),
            _w("buy", "get", "send", "give"),
            _w("you", "u"),
            _opt(_w("a", "an", "some", "free")),
            _w(
                "gift",
                "present",
                "presents",
                "phone",
                "robux",
                "vbucks",
                "v bucks",
                "money",
                "gift card",
                "skins",
                "anything you want",
            ),
        ),
        (GROOMING,),
        3,
        "offers a child gifts",
    ),
)
