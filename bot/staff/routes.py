"""Every staff router, for the gateway to include in one line."""

from __future__ import annotations

from fastapi import APIRouter

from bot.staff import auth, console, entries, insight, preview, tokens, transfer

router = APIRouter()
for module in (auth, entries, preview, insight, transfer, tokens, console):
    router.include_router(module.router)
