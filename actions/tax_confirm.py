"""The last step of every calculator: the summary to confirm, and choosing what to change."""

from __future__ import annotations

from collections.abc import Callable

from actions.conversation import intent_payload
from actions.tax_answers import read_yes_no
from actions.texts import line
from agent.reply import Button

Describe = Callable[[str, str], str]  # (slot, language) → one answer in words


def read_decision(text: str, intent: str) -> bool | None:
    """Whether the summary is right: "네" / "yes" / the confirm button, "아니요" / "no"."""
    decision = read_yes_no(text)
    if decision is None and intent in ("affirm", "deny"):
        decision = intent == "affirm"
    return decision


def summary(
    asked: list[str], describe: Describe, language: str, *, easy: bool
) -> tuple[str, list[Button]]:
    """Every answer in one sentence, with buttons to confirm or to change one."""
    text = line(
        "tax.confirm",
        language,
        easy=easy,
        summary=", ".join(describe(slot, language) for slot in asked),
    )
    buttons = [
        Button(title=line("tax.button.confirm", language), payload="/affirm"),
        Button(title=line("tax.button.change", language), payload="/deny"),
    ]
    return text, buttons


def which_to_change(asked: list[str], language: str) -> tuple[str, list[Button]]:
    """After "no" at the summary: one button per answer (typing the change works as well)."""
    buttons = [
        Button(
            title=line(f"tax.field.{slot}", language),
            payload=intent_payload("inform", tax_field=slot),
        )
        for slot in asked
    ]
    return line("tax.fix_which", language), buttons
