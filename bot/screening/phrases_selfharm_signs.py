"""Self-harm signs beside the wish and plan frames of ``phrases_selfharm.py``: bleeding,
cut wrists and arms, hidden cuts and scars, a goodbye note, "i deserve to hurt", no
reason to live, an overdose, "sh" (self-harm) and starving oneself to disappear. Our
own frames over children's words; every match escalates (``selfharm``, severity 3).
"""

from __future__ import annotations

from bot.screening.phrase_rx import B1, END, START, S, _Group, _w, not_followed_by
from bot.screening.phrases_selfharm import (
    _FILL,
    _HURTING,
    _THINKING,
    _WISH_GOING,
    _front,
    _rule,
    fam,
)

__all__ = ["SIGN_GROUPS"]

# "i don t see a reason to keep living", "i have no reason to be alive" (not "a reason to
# live" alone: "the dog gave him a reason to live")
_NO_REASON = (
    _w("no", "don t see a", "dont see a", "don t have a", "dont have a", "can t find a",
       "cant find a", "don t see any", "dont see any", "don t have any", "dont have any",
       "not a single", "there s no", "theres no", "zero")
    + S + _w("reason", "reasons", "reson", "reasen") + S + _w("to", "2", "for") + S
    + f"(?:{_w('even', 'still', 'me to')}{S})?"
    + _w("live", "keep living", "be alive", "stay alive", "exist", "keep existing", "be here",
         "wake up", "living", "go on living", "keep breathing")
    + B1
)  # fmt: skip
# "i scratch my arms till they bleed", "i bit myself till it bled" (what was hurt is the
# writer's own skin or self: not "scratched my mosquito bite", not "my knee bled")
_BLEED = (
    _w("scratch", "scratched", "scratching", "scratches", "bite", "bit", "biting", "bites",
       "hit", "hitting", "punch", "punched", "punching", "cut", "cutting", "pick", "picked",
       "picking", "pinch", "pinched", "pinching", "dig", "digging", "rub", "rubbed", "rubbing",
       "hurt", "hurting", "claw", "clawed", "clawing")
    + S + f"(?:{fam('self')}|my{S}{_w('arms', 'skin', 'wrists', 'wrist', 'legs', 'hands', 'thighs', 'face', 'arm', 'leg', 'head', 'fingers', 'lips', 'self')})"  # noqa: E501
    + f"{S}(?:{_w('again', 'so hard', 'really hard', 'hard', 'sometimes', 'every night', 'a lot')}{S})?"  # noqa: E501
    + _w("till", "til", "until", "untill", "intil", "tll")
    + S + f"(?:{_w('it', 'they', 'i', 'its', 'it s', 'there', 'theyre', 'they re')})" + S
    + _w("bleed", "bleeds", "bled", "bleeding", "bleds", "blead", "bleeed", "start bleeding",
         "starts bleeding", "started bleeding", "bleed again")
    + B1
)  # fmt: skip
# "cut m1 wr1sts", "i slit my wrist", "carving my arms" (not "cut my arm on the fence",
# not "scratch my legs" where a bite itches)
_MY = f"(?:{_w('my', 'm1', 'mi', 'ma', 'mah', 'mai', 'me', 'my own')}{S})?"
_WRIST = (
    f"(?:{_w('cut', 'cuts', 'cutting', 'slit', 'slitting', 'slice', 'slicing', 'carve', 'carving', 'carved', 'slash', 'slashing')}"  # noqa: E501
    + S + _MY + _w("thighs", "arms", "forearms", "legs")
    + f"|{_w('cut', 'cuts', 'cutting', 'slit', 'slitting', 'slice', 'slicing', 'scratch', 'scratching', 'burn', 'burning', 'carve', 'carving', 'carved', 'slash', 'slashing')}"  # noqa: E501
    + S + _MY + _w("wrist", "wrists", "wirst", "wirsts", "rists", "wrsts") + ")"
    + B1 + not_followed_by(fam("accident"))
)  # fmt: skip
# "i hide the cuts under my sleeves", "covering my scars"
_HIDE = (
    f"(?:{fam('subject')}{S}{_FILL}{{0,3}}|{START})"
    + _w("hide", "hiding", "hid", "hides", "cover", "covering", "covered", "cover up",
       "covering up")
    + S + _w("my", "the", "all my", "all the") + S
    + _w("cuts", "scars", "cut marks", "cutting scars", "burns", "marks on my arms")
    + B1
)  # fmt: skip
# "i wrote a goodbye letter to my family", "im writing a suicide note"
_NOTE = (
    fam("subject") + S + f"{_FILL}{{0,2}}"
    + _w("wrote", "write", "writing", "written", "made", "left", "leave", "leaving", "typed",
         "typing", "finished", "started", "m writing", "am writing", "ve written", "gonna write",
         "going to write", "want to write", "wanna write")
    + S + _w("a", "my", "the", "an") + S
    + _w("goodbye", "good bye", "goodby", "suicide", "sucide", "last", "final goodbye")
    + S + _w("letter", "letters", "note", "notes", "message", "text")
    + B1
)  # fmt: skip
# "i deserve to hurt", "i deserve to suffer" (the writer, not "the villain deserves to")
_DESERVE = (
    fam("subject") + S + f"{_FILL}{{0,2}}"
    + _w("deserve", "deserved", "deserv", "desrve", "disserve", "deserve it to")
    + S + _w("to", "2") + S
    + _w("hurt", "suffer", "be hurt", "be in pain", "feel pain", "be punished", "bleed", "die",
         "be dead", "get hurt", "be alone forever", "be hit", "rot")
    + B1
)  # fmt: skip
# "im gonna overdose on my meds", "i wanna sh again", "gonna stop eating until i disappear"
_OVERDOSE = _front(
    _WISH_GOING,
    S + f"{_FILL}{{0,2}}"
    + f"(?:{_w('overdose', 'overdosed', 'overdosing', 'over dose', 'od on')}{B1}"
    + f"|sh{B1}(?:{S}{_w('again', 'tonight', 'rn', 'so bad', 'right now', 'today')}"
    f"{B1}|{END})"
    + f"|{_w('stop eating', 'starve', 'starve myself', 'not eat', 'never eat')}{B1}"
    + f"{S}(?:{_w('until', 'till', 'til', 'untill')}{S}{_w('i', 'im', 'i m')}"
    + f"|{_w('forever', 'so i can', 'to disappear')}){B1})",
    fused=True,
    bare=True,
)  # fmt: skip


SIGN_GROUPS: tuple[_Group, ...] = (
    _rule(
        "reason reasons reson reasen",
        _NO_REASON,
        _THINKING,
        "live living alive exist here wake breathing",
    ),
    _rule("bleed bleeds bled bleeding bleds blead bleeed", _BLEED, _HURTING),
    _rule(
        "wrist wrists wirst wirsts rists wrsts thighs arms forearms legs",
        _WRIST,
        _HURTING,
        "cut cuts cutting slit slitting slice slicing scratch scratching burn burning carve "
        "carving carved slash slashing",
    ),
    _rule(
        "cuts scars burns marks", _HIDE, _HURTING, "hide hiding hid hides cover covering covered"
    ),
    _rule(
        "letter letters note notes message text",
        _NOTE,
        _THINKING,
        "goodbye good goodby suicide sucide last final",
    ),
    _rule("deserve deserved deserv desrve disserve", _DESERVE, _THINKING),
    _rule("overdose overdosed overdosing dose od sh eating starve eat", _OVERDOSE, _HURTING),
)
