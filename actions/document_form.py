"""The document form: which document, who you are, its options, the purpose, confirmation.

Like the tax calculators (actions/tax_forms.py), `validate_document_form` reads each reply
itself (button payloads `/inform{"document_choice": "kind:…" | "opt:key=value" | "purpose:…" |
"change:…"}` or free text), takes a change of document at any step ("아 초본으로 해 주세요"),
and asks the next question with buttons. "그만" and asking for a person are rejected so the
rules stop the form. Identity is proven once per conversation (civic/documents/identity.py):
name, birth date, then a one-time code sent as its own message (labelled demo).

Slot values are small markers, never personal data: `document_identity` is "verified", and
the resident is looked up from the identity check each time.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions.conversation import Turn, intent_payload, latest_entity
from actions.document_office import document_office, wallet_holder
from actions.tax_turns import intent_of, says_stop
from actions.texts import line
from agent.reply import Button
from civic.documents.catalog import Document, catalog
from civic.documents.identity import IdentityError, birth_date_from
from civic.documents.oidc import oidc_provider

FORM_SLOTS = (
    "document_kind",
    "document_identity",
    "document_options",
    "document_purpose",
    "document_confirmed",
)
ALL_DOCUMENT_SLOTS = (
    *FORM_SLOTS,
    "document_identity_step",
    "document_name",
    "document_choices",
    "document_request_id",
)
# document_kind markers besides a catalog type: answer from the knowledge base (a document
# Haechi does not issue), or end quietly (what was needed has been said).
INFO, END = "info", "end"
_YES = ("네", "예", "응", "좋아", "발급", "그래", "맞아", "yes", "ok", "sure", "issue")
_NO = ("아니", "아뇨", "바꿀", "수정", "no", "change")


@dataclass
class Step:
    updates: dict[str, Any] = field(default_factory=dict)
    said: list[str] = field(default_factory=list)
    extra_messages: list[str] = field(default_factory=list)  # sent on their own (the code)
    retry: str | None = None  # the reply answered nothing: this line, then the same question
    changing: bool = False  # "no" at the summary: ask what to change


def choice_payload(kind: str, value: str) -> str:
    return intent_payload("inform", document_choice=f"{kind}:{value}")


def _squeeze(text: str) -> str:
    return "".join(text.split()).casefold()


class ValidateDocumentForm(FormValidationAction):
    def name(self) -> str:
        return "validate_document_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        return list(FORM_SLOTS)

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        turn = Turn.from_tracker(tracker)
        intent = intent_of(tracker)
        typed = not turn.text.startswith("/")
        if intent == "human_handoff" or (intent == "stop" and (says_stop(turn.text) or not typed)):
            return []  # rejected: the rules stop the form
        values = {slot: tracker.get_slot(slot) for slot in ALL_DOCUMENT_SLOTS}
        requested = tracker.get_slot(REQUESTED_SLOT)
        holder = wallet_holder(tracker)
        if requested not in FORM_SLOTS:
            step = self._start(tracker, turn, holder)
        else:
            step = await asyncio.to_thread(self._read, tracker, turn, requested, values, holder)
        return self._ask(dispatcher, turn, values, step, holder)

    # Starting ---------------------------------------------------------------------------
    def _start(self, tracker: Tracker, turn: Turn, holder: str | None) -> Step:
        step = Step(updates=dict.fromkeys(ALL_DOCUMENT_SLOTS))
        named = latest_entity(tracker, "document_type")
        document = catalog().find(named or "") or catalog().find(turn.text)
        if document is None and named:
            # A document Haechi explains but does not issue (가족관계증명서, 건축물대장…).
            step.updates.update(self._finished(INFO))
            return step
        if holder is None:
            # Nothing binds a wallet to this conversation: say so, then where to get it.
            step.said.append(line("doc.unbound", turn.language, easy=turn.easy_mode))
            step.updates.update(self._finished(INFO))
            return step
        if document is not None:
            step.updates["document_kind"] = document.type
            step.said.extend(self._introduce(document, turn))
        office = document_office()
        if office.identity.current(holder=holder) is not None:
            step.updates["document_identity"] = "verified"
        elif holder.startswith("web:") and oidc_provider(office.settings) is not None:
            step.updates["document_identity_step"] = "oidc"  # the city's login, in the browser
        else:
            step.updates["document_identity_step"] = "name"
        return step

    @staticmethod
    def _finished(kind: str) -> dict[str, Any]:
        return {
            "document_kind": kind,
            "document_identity": "skipped",
            "document_options": {},
            "document_purpose": "none",
            "document_confirmed": True,
        }

    @staticmethod
    def _introduce(document: Document, turn: Turn) -> list[str]:
        language = turn.language
        said = [
            line(
                "doc.chosen",
                language,
                easy=turn.easy_mode,
                document=document.name(language),
                authority=document.authority.get(language, document.authority["ko"]),
                requesters=document.requesters.get(language, document.requesters["ko"]),
            )
        ]
        if document.needs_review:
            said.append(line("doc.review", language, easy=turn.easy_mode, source=document.source))
        return said

    # Reading a reply -------------------------------------------------------------------
    def _read(
        self,
        tracker: Tracker,
        turn: Turn,
        requested: str,
        values: dict[str, Any],
        holder: str | None,
    ) -> Step:
        choice = latest_entity(tracker, "document_choice") or ""
        kind, _, value = choice.partition(":")
        step = Step()
        if kind == "change":
            return self._change(value, values)
        switched = self._switch(turn, requested, values, kind, value)
        if switched is not None:
            return switched
        if holder is None:  # the secret no longer came with the message
            step.said.append(line("doc.unbound", turn.language, easy=turn.easy_mode))
            step.updates.update(self._finished(END))
            return step
        if requested == "document_kind":
            step.retry = "doc.retry.choice"
            return step
        if requested == "document_identity":
            return self._identity(turn, values, holder)
        document = catalog().get(str(values["document_kind"]))
        if requested == "document_options":
            return self._option(turn, document, values, kind, value)
        if requested == "document_purpose":
            purpose = value if kind == "purpose" else self._purpose_from_text(turn.text)
            if purpose is None or catalog().purpose(purpose) is None:
                step.retry = "doc.retry.choice"
            else:
                step.updates["document_purpose"] = purpose
            return step
        return self._confirm(tracker, turn)

    def _switch(
        self, turn: Turn, requested: str, values: dict[str, Any], kind: str, value: str
    ) -> Step | None:
        """A (new) document named at any step: "아 초본으로 해 주세요", or its button."""
        if kind == "kind":
            document = catalog().find(value)
        elif requested == "document_identity" or turn.text.startswith("/"):
            document = None  # a name or a code is never read as a document
        else:
            document = catalog().find(turn.text)
        if document is None or document.type == values.get("document_kind"):
            return None
        step = Step(
            updates={
                "document_kind": document.type,
                "document_options": None,
                "document_choices": None,
                "document_confirmed": None,
            }
        )
        if values.get("document_kind") not in (None, INFO, END):
            step.said.append(
                line(
                    "doc.switched",
                    turn.language,
                    easy=turn.easy_mode,
                    document=document.name(turn.language),
                )
            )
        step.said.extend(self._introduce(document, turn))
        return step

    @staticmethod
    def _change(value: str, values: dict[str, Any]) -> Step:
        slot = {
            "kind": "document_kind",
            "options": "document_options",
            "purpose": "document_purpose",
        }.get(value)
        step = Step(updates={"document_confirmed": None})
        if slot == "document_kind":
            step.updates.update(document_kind=None, document_options=None, document_choices=None)
        elif slot == "document_options":
            step.updates.update(document_options=None, document_choices=None)
        elif slot is not None:
            step.updates[slot] = None
        else:
            step.changing = True
        return step

    def _identity(self, turn: Turn, values: dict[str, Any], holder: str) -> Step:
        office = document_office()
        step = Step()
        stage = values.get("document_identity_step") or "name"
        text = turn.text.strip()
        language = turn.language
        if stage == "oidc":
            if office.identity.current(holder=holder) is None:
                step.retry = "doc.retry.choice"
                return step
            step.updates.update(document_identity="verified", document_identity_step=None)
            return step
        if stage == "name":
            born = birth_date_from(text)
            name = "".join(char for char in text if not char.isdigit() and char not in "-./")
            name = " ".join(name.replace("년", " ").replace("월", " ").replace("일", " ").split())
            if not name or len(name) > 40 or text.startswith("/"):
                step.retry = "doc.retry.name"
                return step
            step.updates["document_name"] = name
            if born is None:
                step.updates["document_identity_step"] = "birth"
                return step
            return self._send_code(turn, holder, name, born, step)
        if stage == "birth":
            born = birth_date_from(text)
            if born is None:
                step.retry = "doc.retry.birth"
                return step
            return self._send_code(turn, holder, str(values.get("document_name") or ""), born, step)
        try:
            office.identity.confirm(holder=holder, code=text)
        except IdentityError as error:
            return self._identity_problem(turn, error, step)
        name = str(values.get("document_name") or "")
        step.updates.update(
            document_identity="verified", document_identity_step=None, document_name=None
        )
        step.said.append(line("doc.identity.done", language, easy=turn.easy_mode, name=name))
        return step

    def _send_code(self, turn: Turn, holder: str, name: str, born: Any, step: Step) -> Step:
        office = document_office()
        try:
            sent = office.identity.start(holder=holder, name=name, birth_date=born)
        except IdentityError as error:
            return self._identity_problem(turn, error, step)
        step.updates["document_identity_step"] = "code"
        step.extra_messages.append(
            line("doc.code.demo", turn.language, easy=turn.easy_mode, code=sent.code)
        )
        return step  # the question that follows says how long the code lasts

    def _identity_problem(self, turn: Turn, error: IdentityError, step: Step) -> Step:
        language, easy = turn.language, turn.easy_mode
        if error.reason == "wrong_code":
            step.retry = None
            step.said.append(
                line("doc.code.wrong", language, easy=easy, left=str(error.attempts_left or 0))
            )
        elif error.reason == "locked":
            minutes = str(max(1, document_office().settings.otp_lockout_seconds // 60))
            step.said.append(line("doc.identity.locked", language, easy=easy, minutes=minutes))
            step.updates.update(self._finished(END))
        elif error.reason == "not_found":
            step.updates.update(document_identity_step="name", document_name=None)
            step.said.append(line("doc.identity.not_found", language, easy=easy))
        else:  # expired, or no code pending
            step.updates.update(document_identity_step="name", document_name=None)
            step.said.append(line("doc.code.expired", language, easy=easy))
        return step

    @staticmethod
    def _option(
        turn: Turn, document: Document, values: dict[str, Any], kind: str, value: str
    ) -> Step:
        step = Step()
        chosen = dict(values.get("document_choices") or {})
        pending = [option for option in document.options if option.key not in chosen]
        if kind == "opt" and value == "*":
            chosen.update({option.key: option.default for option in pending})
        elif kind == "opt" and "=" in value:
            key, _, picked = value.partition("=")
            option = document.option(key)
            if option is not None and option.choice(picked) is not None:
                chosen[key] = picked
            else:
                step.retry = "doc.retry.choice"
        elif pending:
            typed = _squeeze(turn.text)
            option = pending[0]
            match = next(
                (
                    choice.value
                    for choice in option.choices
                    if any(_squeeze(label) in typed for label in choice.labels.values())
                ),
                None,
            )
            if match is None:
                step.retry = "doc.retry.choice"
            else:
                chosen[option.key] = match
        step.updates["document_choices"] = chosen
        if all(option.key in chosen for option in document.options):
            step.updates["document_options"] = chosen
        return step

    @staticmethod
    def _purpose_from_text(text: str) -> str | None:
        typed = _squeeze(text)
        for purpose in catalog().purposes:
            if any(_squeeze(label) in typed for label in purpose.labels.values()):
                return purpose.value
        keywords = {
            "회사": "employer",
            "직장": "employer",
            "은행": "bank",
            "학교": "school",
            "어린이집": "school",
            "관공서": "government",
            "보관": "personal",
            "employer": "employer",
            "bank": "bank",
            "school": "school",
        }
        return next((value for word, value in keywords.items() if word in typed), None)

    @staticmethod
    def _confirm(tracker: Tracker, turn: Turn) -> Step:
        intent = intent_of(tracker)
        typed = _squeeze(turn.text)
        step = Step()
        if intent == "affirm" or (intent != "deny" and any(word in typed for word in _YES)):
            step.updates["document_confirmed"] = True
        elif intent == "deny" or any(word in typed for word in _NO):
            step.changing = True
        else:
            step.retry = "doc.retry.choice"
        return step

    # Asking ----------------------------------------------------------------------------
    def _ask(
        self,
        dispatcher: CollectingDispatcher,
        turn: Turn,
        values: dict[str, Any],
        step: Step,
        holder: str | None,
    ) -> list[EventType]:
        values = {**values, **step.updates}
        events: list[EventType] = [*turn.events]
        events.extend(SlotSet(slot, value) for slot, value in step.updates.items())
        next_slot = next((slot for slot in FORM_SLOTS if values.get(slot) is None), None)
        if next_slot == "document_confirmed" and not values.get("document_request_id"):
            request_id = uuid.uuid4().hex
            values["document_request_id"] = request_id
            events.append(SlotSet("document_request_id", request_id))
        events.append(SlotSet(REQUESTED_SLOT, next_slot))
        for message in step.extra_messages:
            turn.say(dispatcher, message)
        if next_slot is None:
            if step.said:
                turn.say(dispatcher, "\n\n".join(step.said))
            return events
        language = turn.language
        if step.changing:
            text, buttons = (
                line("doc.ask.change", language, easy=turn.easy_mode),
                [
                    Button(
                        title=line(f"button.doc.change.{what}", language),
                        payload=choice_payload("change", what),
                    )
                    for what in ("kind", "options", "purpose")
                ],
            )
        else:
            text, buttons = self._question(next_slot, values, turn, holder)
        said = [*step.said]
        if step.retry:
            said.append(line(step.retry, language, easy=turn.easy_mode))
        stop = Button(title=line("button.doc.stop", language), payload="/stop")
        turn.say(dispatcher, "\n\n".join([*said, text]), buttons=[*buttons, stop])
        return events

    @staticmethod
    def _question(
        slot: str, values: dict[str, Any], turn: Turn, holder: str | None
    ) -> tuple[str, list[Button]]:
        language, easy = turn.language, turn.easy_mode
        if slot == "document_kind":
            buttons = [
                Button(title=document.name(language), payload=choice_payload("kind", document.type))
                for document in catalog().documents
            ]
            return line("doc.ask.kind", language, easy=easy), buttons
        if slot == "document_identity":
            stage = values.get("document_identity_step") or "name"
            settings = document_office().settings
            if stage == "oidc":
                session = (holder or "").removeprefix("web:")
                link = settings.url(f"/api/v1/identity/oidc/start?session_id={session}")
                return line("doc.ask.oidc", language, easy=easy, link=link), []
            key = {"name": "doc.ask.name", "birth": "doc.ask.birth"}.get(stage, "doc.code.sent")
            minutes = str(max(1, settings.otp_ttl_seconds // 60))
            return line(key, language, easy=easy, minutes=minutes), []
        document = catalog().get(str(values["document_kind"]))
        if slot == "document_options":
            chosen = values.get("document_choices") or {}
            option = next(item for item in document.options if item.key not in chosen)
            buttons = [
                Button(
                    title=choice.label(language),
                    payload=choice_payload("opt", f"{option.key}={choice.value}"),
                )
                for choice in option.choices
            ]
            buttons.append(
                Button(
                    title=line("button.doc.defaults", language), payload=choice_payload("opt", "*")
                )
            )
            return line(
                "doc.ask.option", language, easy=easy, option=option.label(language)
            ), buttons
        if slot == "document_purpose":
            buttons = [
                Button(
                    title=purpose.label(language), payload=choice_payload("purpose", purpose.value)
                )
                for purpose in catalog().purposes
            ]
            return line("doc.ask.purpose", language, easy=easy), buttons
        return summary(document, values, turn), [
            Button(title=line("button.doc.issue", language), payload="/affirm"),
            Button(title=line("button.doc.change", language), payload="/deny"),
        ]


def summary(document: Document, values: dict[str, Any], turn: Turn) -> str:
    language = turn.language
    rows = [f"• {line('doc.field.document', language)}: {document.name(language)}"]
    for option in document.options:
        picked = option.choice(str((values.get("document_options") or {}).get(option.key)))
        if picked is not None:
            rows.append(f"• {option.label(language)}: {picked.label(language)}")
    purpose = catalog().purpose(str(values.get("document_purpose")))
    if purpose is not None:
        rows.append(f"• {line('doc.field.purpose', language)}: {purpose.label(language)}")
    return line("doc.summary", language, easy=turn.easy_mode, details="\n".join(rows))
