"""Phrase groups for a child telling about something that puts them at risk.

A child rarely says "I am being groomed": they say "a man on roblox asked me for a pic"
or "he said it's our secret". And trouble at home comes as "my dad drinks a lot and
yells" or "there's never food at home". Each deserves an adult's look, so each is held
and escalated like self-harm (its category decides that, see ``verdict.py``). The shapes
need the child in them ("me", "my", "i"), so a story's "the man asked for pictures of
the castle" is left alone. Written for this project; the rows of
tests/screening/children/disclosures.tsv and book_talk.tsv test them.
"""

from __future__ import annotations

from bot.screening.phrase_rx import B1, S, _Group, _group, _opt, _w, gap, not_followed_by, opening
from bot.screening.verdict import GROOMING, SELF_HARM

_WHO_WORDS = (
    "a man", "a guy", "a lady", "a woman", "a stranger", "a boy", "a girl", "a teen",
    "a teenager", "an older boy", "an older girl", "an older kid", "a grown up",
    "a grownup", "an adult", "some man", "some guy", "some lady", "some person",
    "this man", "this guy", "this lady", "this person", "this boy", "that man", "that guy",
    "someone", "somebody", "some1", "a person", "a player", "he", "she", "my coach",
)  # fmt: skip
_WHO = _w(*_WHO_WORDS)
_ASKED = _w(
    "asked", "asks", "keeps asking", "kept asking", "keep asking", "is asking", "was asking",
    "wants", "wanted", "told", "tells", "said", "says", "offered", "promised", "dared",
    "begged", "made", "tried to make", "tried to get", "wants me", "messaged", "dmed",
)  # fmt: skip
_ME = _w("me", "meh", "mee", "us", "me and my friend")
_PICTURES = _w(
    "pic", "pics", "picture", "pictures", "photo", "photos", "selfie", "selfies", "pix",
    "snaps", "video of me", "videos of me", "nudes",
)  # fmt: skip
# what was asked of the child ("asked me to meet up"); the child is the "me" before it
_WHAT_OF_ME = _w(
    "for my address", "for my number", "my address", "to meet", "to meet up", "meet up",
    "to come to his house", "to come to her house", "to go to his house", "to come over",
    "to turn on my camera", "to turn my camera on", "to video call", "to facetime",
    "to keep a secret", "to keep it a secret", "to keep it secret", "to keep this secret",
    "it s our secret", "its our secret", "it was our secret", "not to tell", "to not tell",
    "dont tell", "don t tell", "to take off", "to undress", "to delete our chats",
    "to delete the messages",
)  # fmt: skip
# what was asked about the child ("asked where i live"): the "i" is in it
_WHAT_OF_I = _w(
    "where i live", "what school i go to", "which school i go to", "how old i am",
    "if i was alone", "if i m alone", "if im alone", "if i was home alone", "when i m alone",
    "when im alone", "what i look like",
)  # fmt: skip
# the few words between "asked me" and "pictures" ("to send him a", not "to draw a")
_TO_SEND = f"(?:{_w('for', 'to', 'send', 'show', 'take', 'him', 'her', 'them', 'a', 'an', 'some', 'more', 'any', 'my', 'private', 'secret', 'cute', 'new', 'of')}{S}){{0,4}}"  # noqa: E501
_GIFTS = _w(
    "robux", "vbucks", "v bucks", "money", "gift card", "gift cards", "a gift", "gifts",
    "skins", "a skin", "gems", "coins", "a phone", "free stuff", "minecoins",
)  # fmt: skip

# "a man on roblox asked me for a pic", "someone i met online told me to keep it a
# secret", "this guy keeps asking where i live"
_TOLD_ABOUT = (
    _WHO + S + gap(4) + _ASKED + S
    + f"(?:{_ME}{S}{gap(2)}{_WHAT_OF_ME}|(?:{_ME}{S})?{gap(1)}{_WHAT_OF_I}|{_ME}{S}{_TO_SEND}{_PICTURES})"  # noqa: E501
    + B1
)  # fmt: skip
# "someone asked for a pic of me", "this guy wants pictures of me"
_PICTURE_OF_ME = (
    _WHO + S + gap(4) + _ASKED + S + _TO_SEND + _PICTURES + S + _w("of me", "of myself") + B1
)  # fmt: skip
# "he said he would give me robux if i sent a picture" (also an adult's own offer)
_GIFT_FOR = (
    _w("give me", "get me", "buy me", "send me", "pay me", "gives me", "gave me")
    + S + gap(2) + _GIFTS + S + _w("if", "when", "for") + S + gap(2)
    + _w("send", "sent", "show", "showed", "take", "took", "meet", "turn on", "a pic", "pics",
         "a picture", "pictures", "a photo", "photos", "a selfie")
    + B1
)  # fmt: skip

_PARENT_WORDS = (
    "my dad", "my daddy", "my father", "my mum", "my mom", "my mommy", "my mummy",
    "my mother", "my parents", "my stepdad", "my step dad", "my stepmom", "my step mom",
    "my stepmum", "my step mum", "my stepfather", "my stepmother", "my mums boyfriend",
    "my moms boyfriend", "my mum s boyfriend", "my mom s boyfriend", "my uncle", "my aunt",
)  # fmt: skip
_PARENT = _w(*_PARENT_WORDS)
_DRINKS = _w(
    "drinks a lot", "drinks alot", "drinks too much", "drinks all the time",
    "drinks every night", "drinks every day", "gets drunk", "got drunk", "is drunk",
    "was drunk", "is always drunk", "always drunk", "drunk again", "gets really drunk",
    "drinks and", "is drinking again", "started drinking again",
)  # fmt: skip
_FIGHTS = _w(
    "fight", "fights", "fighting", "yell", "yells", "yelling", "scream", "screams",
    "screaming", "shout", "shouts", "shouting", "argue", "argues", "arguing", "throw things",
    "throws things", "smash things", "break things",
)  # fmt: skip
_SCARED = _w(
    "i m scared", "im scared", "i am scared", "i get scared", "im afraid", "i m afraid",
    "i hide", "i have to hide", "i cry", "i can t sleep", "i cant sleep", "scares me",
    "every night", "all night", "all the time", "every day", "every single day",
)  # fmt: skip
# "my dad drinks a lot and yells", "my parents fight every night and im scared"
_HOME_TROUBLE = (
    _PARENT + S + gap(2) + f"(?:{_DRINKS}{B1}|{_FIGHTS}{S}{gap(4)}{_SCARED}{B1})"
)  # fmt: skip
# "there s never food at home", "i haven t eaten since yesterday", "nobody feeds me"
_HUNGRY = "|".join(
    (
        _w("there s", "theres", "there is", "we have", "we never have", "we don t have",
           "we dont have", "there s hardly", "theres hardly")
        + S + _opt(_w("never", "no", "hardly", "hardly ever"))
        + _w("any food", "food", "no food", "nothing to eat", "anything to eat")
        + S + _w("at home", "in my house", "in the house", "at my house") + B1
        + not_followed_by(_w("so", "but", "because", "today", "tonight", "right now")),
        _w("i haven t", "i havent", "i have not", "i didn t", "i didnt", "i have nt")
        + S + _w("eaten", "eat", "had food", "had anything to eat")
        + S + _w("since yesterday", "in two days", "in 2 days", "for two days",
                 "for 2 days", "in days", "for days", "since friday", "all weekend",
                 "since the weekend") + B1,
        _w("nobody feeds me", "no one feeds me", "noone feeds me", "no body feeds me")
        + B1,
    )
)  # fmt: skip

# passive wishes and despair a child writes: "sometimes i think about not waking up",
# "i just want it all to stop", "im so done with everything", "i cry myself to sleep"
# (not "i want this chapter to end", "im done with my homework")
_I_JUST = (
    f"(?:{_w('i', 'i just', 'i really', 'i kinda', 'i kind of', 'i sometimes', 'sometimes i')}{S})"
)
_SELF_ADJ = _w("ugly", "fat", "stupid", "worthless", "useless", "dumb", "weird", "annoying")
_LOW = "|".join(
    (
        _w("think about", "thinking about", "thought about", "dream about", "hope i",
           "wish i could", "want to", "wanna", "wish i would")
        + S + _w("not waking up", "never waking up", "don t wake up", "dont wake up",
                 "never wake up", "not wake up", "not being here", "not existing",
                 "disappearing forever")
        + B1,
        _I_JUST + _w("want", "wanna", "need", "wish")
        + S + _opt(_w("for"))
        + _w("it all", "everything", "all of it", "all of this", "the pain", "my life",
             "the hurting", "the hurt", "the sadness", "life")
        + S + _opt(_w("to"))
        + _w("stop", "end", "be over", "go away", "to stop", "to end", "to be over") + B1,
        _w("i m", "im", "i am", "i feel") + S + _opt(_w("so", "just", "really", "literally"))
        + _w("done with") + S
        + _w("everything", "life", "it all", "all of this", "living", "being alive",
             "existing", "my life", "everyone", "being me") + B1,
        _w("i", "i just", "i always", "i sometimes") + S
        + _w("cry", "cried", "crying")
        + S + _w("myself to sleep", "every night", "every single night", "all night",
                 "every day", "all the time") + B1,
        _w("i feel", "i m", "im", "i am", "i always feel", "i just feel")
        + S + _opt(_w("so", "really", "just", "completely", "totally", "always"))
        + _w("worthless", "hopeless", "empty inside", "empty all the time", "numb inside",
             "numb all the time", "like nothing", "like a nobody", "like a burden",
             "invisible to everyone") + B1
        + not_followed_by(_w("at", "about", "with", "in", "when it comes to", "lol", "haha")),
        _w("i want to", "i wanna", "i m going to", "im going to", "im gonna", "i m gonna",
           "i will", "i ll", "ill", "i might", "i think i ll")
        + S + _w("run away from home", "run away forever", "run away and never come back",
                 "run away from my family") + B1,
        _w("i m", "im", "i am") + S + _opt(_w("so", "really", "too"))
        + _SELF_ADJ + S + _opt(_w("and") + S + _SELF_ADJ)
        + _w("and", "that", "so", "thats why", "that s why") + S + _opt(_w("that s why"))
        + _w("nobody likes me", "no one likes me", "nobody loves me", "no one loves me",
             "everyone hates me", "everybody hates me", "i have no friends", "i hate myself",
             "nobody wants me", "no one wants me") + B1,
    )
)  # fmt: skip

_ASK_ANCHORS = (
    "asked asks asking wants wanted told tells said says offered promised dared begged made "
    "tried messaged dmed"
)
DISCLOSURE_GROUPS: tuple[_Group, ...] = (
    _group(
        "waking wake here existing disappearing stop end over away done cry cried crying "
        "worthless hopeless empty numb nothing nobody burden invisible run likes loves hates "
        "friends hate wants",
        opening(("t", "d", "h", "w", "i", "s")) + "(?:" + _LOW + ")",
        (SELF_HARM,),
        3,
        "may be feeling very low",
    ),
    _group(
        _ASK_ANCHORS,
        opening(_WHO_WORDS) + "(?:" + _TOLD_ABOUT + "|" + _PICTURE_OF_ME + ")",
        (GROOMING,),
        3,
        "a child may be telling about someone asking for pictures, secrets or a meeting",
    ),
    _group(
        "robux vbucks bucks money gift gifts skins skin gems coins phone stuff minecoins",
        opening(("give", "get", "buy", "send", "pay", "gave")) + _GIFT_FOR,
        (GROOMING,),
        3,
        "gifts offered for pictures or a meeting",
    ),
    _group(
        "drinks drunk drinking fight fights fighting yell yells yelling scream screams "
        "screaming shout shouts shouting argue argues arguing throw throws smash break",
        opening(("my",)) + _HOME_TROUBLE,
        (SELF_HARM,),
        3,
        "may be telling about trouble at home",
    ),
    _group(
        "food eat eaten feeds",
        opening(("t", "w", "i", "n")) + "(?:" + _HUNGRY + ")",
        (SELF_HARM,),
        3,
        "may be telling about going hungry",
    ),
)
