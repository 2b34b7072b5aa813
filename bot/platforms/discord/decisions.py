"""Approve / Reject / Reject-with-reason buttons on a held message, surviving restarts.

The flag id lives in each button's custom_id, and the buttons are dynamic
items registered at start, so a click after a restart still finds its flag.
A click is a Decided request naming the flag (a flood's combined review: its first
flag's id, standing for every message waiting on it); the clicker alone hears the answer.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.platforms.discord.calls import CommandCalls

PREFIX = "readaloud:flag"
REASON_FORM = re.compile(rf"{PREFIX}:reason-form:(\d+)")
REASON_FIELD = "reason"
LABELS = {
    "approve": ("Approve", discord.ButtonStyle.success),
    "reject": ("Reject", discord.ButtonStyle.danger),
    "reason": ("Reject with reason…", discord.ButtonStyle.secondary),
}


def custom_id(action: str, flag_id: int) -> str:
    return f"{PREFIX}:{action}:{flag_id}"


class FlagButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"{PREFIX}:(?P<action>approve|reject|reason):(?P<flag>\d+)",
):
    """One decision button; its custom_id carries the action and the flag id."""

    def __init__(self, action: str, flag_id: int) -> None:
        label, style = LABELS[action]
        super().__init__(
            discord.ui.Button(label=label, style=style, custom_id=custom_id(action, flag_id))
        )
        self.action = action
        self.flag_id = flag_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> FlagButton:
        return cls(match["action"], int(match["flag"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        calls: CommandCalls = interaction.client.calls  # type: ignore[attr-defined]
        if self.action == "reason":
            await interaction.response.send_modal(reason_form(self.flag_id))
        else:
            await calls.decide(interaction, self.flag_id, approve=self.action == "approve")


def decision_view(flag_id: int) -> discord.ui.View:
    """The persistent buttons for one flag (no timeout, a custom_id on every item)."""
    view = discord.ui.View(timeout=None)
    for action in LABELS:
        view.add_item(FlagButton(action, flag_id))
    return view


def reason_form(flag_id: int) -> discord.ui.Modal:
    """The 'why' form. Its submission is handled by `on_reason` from the raw interaction,
    so it works even if the bot restarted while the teacher was typing."""
    form = discord.ui.Modal(
        title=f"Reject #{flag_id}", custom_id=f"{PREFIX}:reason-form:{flag_id}", timeout=None
    )
    form.add_item(
        discord.ui.TextInput(
            label="What should the student hear?",
            custom_id=REASON_FIELD,
            style=discord.TextStyle.paragraph,
            max_length=400,
            placeholder="Kind and short: what to change next time",
        )
    )
    form.stop()  # not kept in discord.py's modal store: on_reason handles the submit
    return form


async def on_reason(interaction: discord.Interaction, calls: CommandCalls) -> bool:
    """Handle a submitted reason form; False if the interaction is something else."""
    if interaction.type is not discord.InteractionType.modal_submit or not interaction.data:
        return False
    match = REASON_FORM.fullmatch(str(interaction.data.get("custom_id", "")))
    if match is None:
        return False
    reason = _field(interaction.data.get("components", []), REASON_FIELD)
    await calls.decide(interaction, int(match[1]), approve=False, reason=reason)
    return True


def _field(components: Any, wanted: str) -> str:
    """A text input's value from modal-submit components (action rows or labels)."""
    for c in components or []:
        if c.get("custom_id") == wanted and "value" in c:
            return str(c["value"]).strip()
        for inner in (c.get("components"), [c["component"]] if "component" in c else None):
            found = _field(inner, wanted)
            if found:
                return found
    return ""
