"""A small Bot API server on 127.0.0.1: serves queued updates and records every call.

It speaks enough of https://core.telegram.org/bots/api for python-telegram-bot to run against
it unchanged (getMe, getUpdates, setWebhook, deleteWebhook, sendMessage, editMessageText,
answerCallbackQuery, sendAudio, sendVoice, ...). Messages it "sends" are kept, so a test can
press a button on one of them the way Telegram would deliver it: in a callback query.
"""

from __future__ import annotations

import email.policy
import html
import itertools
import json
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_USER = {
    "id": 7000001,
    "is_bot": True,
    "first_name": "Haechi",
    "username": "haechi_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
_TAG = re.compile(r"<[^>]+>")


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    message_id: int | None = None  # of the message a send call created


class FakeBotApi:
    """Start with `start()`; point PTB at `base_url`; queue updates with `push()`."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._queue: list[dict[str, Any]] = []
        self._again: list[dict[str, Any]] = []
        self._changed = threading.Condition()
        self._ids = itertools.count(1000)
        self._update_ids = itertools.count(1)
        self._server = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/bot"

    def start(self) -> FakeBotApi:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # What tests do -----------------------------------------------------------------------

    def next_update_id(self) -> int:
        return next(self._update_ids)

    def push(self, update: dict[str, Any], *, again: bool = False) -> None:
        """Queue an update for getUpdates; messages in it become known to the server.

        Like Telegram, an update is served until a later getUpdates confirms it (offset).
        `again=True` delivers an update once more even though it was confirmed, as Telegram
        does when it is unsure the bot got it.
        """
        for key in ("message", "edited_message"):
            if key in update:
                message = update[key]
                self.messages[(message["chat"]["id"], message["message_id"])] = message
        with self._changed:
            (self._again if again else self._queue).append(update)
            self._changed.notify_all()

    def calls_of(self, *methods: str) -> list[Call]:
        with self._changed:
            return [call for call in self.calls if call.method in methods]

    def sent_texts(self, chat_id: int) -> list[str]:
        return [
            str(call.params["text"])
            for call in self.calls_of("sendMessage")
            if int(call.params["chat_id"]) == chat_id
        ]

    def wait_for(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    methods = [call.method for call in self.calls]
                    raise AssertionError(f"timed out; calls so far: {methods}")
                self._changed.wait(remaining)

    def drained(self) -> bool:
        """Every queued update was served and confirmed."""
        with self._changed:
            return not self._queue and not self._again

    # The Bot API -------------------------------------------------------------------------

    def _handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._get_updates(params)}
        call = Call(method, params)
        result: Any = True
        status = 200
        if method == "getMe":
            result = BOT_USER
        elif method in ("sendMessage", "sendAudio", "sendVoice"):
            result = self._new_message(method, params)
            call.message_id = result["message_id"]
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()
        if method in ("getMe", "sendMessage", "sendAudio", "sendVoice"):
            return status, {"ok": True, "result": result}
        if method in ("editMessageText", "editMessageReplyMarkup"):
            return self._edit(method, params)
        if method in (
            "deleteWebhook",
            "setWebhook",
            "answerCallbackQuery",
            "sendChatAction",
            "setMyCommands",
            "close",
            "logOut",
        ):
            return 200, {"ok": True, "result": True}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found: method"}

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        # Long polling, kept short so that stopping the bot is quick.
        wait = min(float(params.get("timeout") or 0), 0.2)
        with self._changed:
            self._queue = [u for u in self._queue if u["update_id"] >= offset]
            if not self._queue and not self._again and wait > 0:
                self._changed.wait(wait)
            self._queue = [u for u in self._queue if u["update_id"] >= offset]
            updates, self._again = [*self._again, *self._queue], []
            self._changed.notify_all()
            return updates

    def _new_message(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message: dict[str, Any] = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT_USER,
        }
        if method == "sendMessage":
            message.update(_as_text(params))
        elif method == "sendAudio":
            message["audio"] = {"file_id": "audio-1", "file_unique_id": "a1", "duration": 3}
        else:
            message["voice"] = {"file_id": "voice-1", "file_unique_id": "v1", "duration": 3}
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        replied = (params.get("reply_parameters") or {}).get("message_id")
        if replied is not None and (chat_id, int(replied)) in self.messages:
            message["reply_to_message"] = self.messages[(chat_id, int(replied))]
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def _edit(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        key = (int(params["chat_id"]), int(params["message_id"]))
        message = self.messages.get(key)
        if message is None:
            return 400, {"ok": False, "error_code": 400, "description": "message not found"}
        if method == "editMessageText":
            message.update(_as_text(params))
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        else:
            message.pop("reply_markup", None)
        return 200, {"ok": True, "result": message}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                prefix = f"/bot{api.token}/"
                if not self.path.startswith(prefix):
                    self._reply(
                        401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
                    )
                    return
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                kind = self.headers.get("Content-Type") or ""
                if kind.startswith("multipart/form-data"):
                    # PTB uploads files (our own voice notes) as multipart.
                    params = _multipart(kind, raw)
                elif raw and not kind.startswith("application/x-www-form-urlencoded"):
                    self._reply(400, {"ok": False, "error_code": 400, "description": kind})
                    return
                else:
                    params = {key: _decode(value) for key, value in parse_qsl(raw.decode())}
                status, payload = api._handle(self.path[len(prefix) :], params)
                self._reply(status, payload)

            def _reply(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up mid long-poll (the bot stopping) is not an error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass(frozen=True)
class Upload:
    """A file PTB uploaded in a multipart request."""

    filename: str
    data: bytes


def _multipart(kind: str, raw: bytes) -> dict[str, Any]:
    message = BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {kind}\r\n\r\n".encode() + raw
    )
    params: dict[str, Any] = {}
    for part in message.iter_parts():
        assert isinstance(part, EmailMessage)
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True)
        assert isinstance(name, str) and isinstance(data, bytes)
        filename = part.get_filename()
        params[name] = Upload(filename, data) if filename else _decode(data.decode())
    return params


def _decode(value: str) -> Any:
    """PTB sends objects and lists as JSON strings, everything else as plain strings."""
    if value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _as_text(params: dict[str, Any]) -> dict[str, Any]:
    """The message text as Telegram shows it: HTML parsed away (entities left out here)."""
    text = str(params.get("text", ""))
    if params.get("parse_mode") == "HTML":
        text = html.unescape(_TAG.sub("", text))
    return {"text": text}


# Updates as Telegram sends them ------------------------------------------------------------


def user(user_id: int, language_code: str | None) -> dict[str, Any]:
    person: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "시민"}
    if language_code:
        person["language_code"] = language_code
    return person


def message(
    message_id: int, chat_id: int, *, language_code: str | None = "ko", **content: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private", "first_name": "시민"},
        "from": user(chat_id, language_code),
        **content,
    }
    text = content.get("text")
    if isinstance(text, str) and text.startswith("/"):
        command = text.split()[0]
        body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return body


def callback_query(
    query_id: str, sent: dict[str, Any], data: str, *, language_code: str | None = "ko"
) -> dict[str, Any]:
    chat_id = sent["chat"]["id"]
    return {
        "id": query_id,
        "from": user(chat_id, language_code),
        "message": sent,
        "chat_instance": f"ci-{chat_id}",
        "data": data,
    }
