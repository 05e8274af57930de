"""Fintech Lab rooms on a real Redis, as two gateway replicas see them: the host on one, the
guest on the other, live updates across, the translation made once and shared, secrets only
as digests, and outsiders still turned away."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
import redis

from bot.fintech_lab.rooms import FintechLab, RoomError
from bot.fintech_lab.stores import RedisRoomStore
from knowledge.translation.packages import install
from knowledge.translation.translator import Translator


@pytest.mark.anyio
async def test_two_replicas_share_a_room_through_redis(
    tiny_packages: dict[str, Path], tmp_path: Path, redis_url: str
) -> None:
    for pair in ("ja_en", "en_ja"):
        install(tiny_packages[pair], tmp_path)
    prefix = f"test:{uuid.uuid4().hex}:"
    first = FintechLab(Translator(tmp_path), RedisRoomStore(redis_url, prefix=prefix))
    second = FintechLab(Translator(tmp_path), RedisRoomStore(redis_url, prefix=prefix))
    try:
        host, invite = await first.create_room(name="Mina", language="en")
        guest = await second.join(invite=invite, name="Haruto", language="ja")
        assert guest.room_id == host.room_id
        live = await second.listen(guest.member_token)

        sent = await first.post(host.member_token, "Is the lab open today? Let's meet at three.")
        assert sent["mine"] and sent["machine_translation"] is False
        pushed = await asyncio.wait_for(live.get(), timeout=10)
        seen = await second.view(guest.member_token, pushed)
        assert seen["author"] == "Mina" and not seen["mine"]
        assert seen["machine_translation"] is True and seen["reader_language"] == "ja"
        assert seen["original"] == "Is the lab open today? Let's meet at three."
        assert seen["text"] != seen["original"]

        await second.post(guest.member_token, "はい、三時に会いましょう。")
        history = await first.messages_after(host.member_token, 0)
        assert [m["original"] for m in history] == [
            "Is the lab open today? Let's meet at three.",
            "はい、三時に会いましょう。",
        ]
        assert history[1]["language"] == "ja" and history[1]["reader_language"] == "en"
        # Each translation is made once and kept in Redis for every replica.
        client = redis.Redis.from_url(redis_url, decode_responses=True)
        kept = client.hgetall(f"{prefix}room:{host.room_id}:tr")
        assert set(kept) == {"1:ja", "2:en"}
        again = await first.messages_after(guest.member_token, 0)
        assert again[0]["text"] == seen["text"]

        # Secrets are stored as digests only, and ids are not secrets.
        keys = client.keys(f"{prefix}*")
        assert keys and not any(
            secret in key for key in keys for secret in (invite, host.member_token)
        )
        for guess in (host.room_id, host.member_id):
            with pytest.raises(RoomError) as refused:
                await second.messages_after(guess, 0)
            assert refused.value.status == 401
        with pytest.raises(RoomError) as no_room:
            await second.join(invite=host.room_id, name="D", language="en")
        assert no_room.value.status == 404
    finally:
        await first.close()
        await second.close()
