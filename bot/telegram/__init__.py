"""The Telegram channel: the same agent as the web chat, in a messenger.

`build_application()` builds the python-telegram-bot Application with every handler; it runs by
long polling (`python -m bot.telegram`) or behind the gateway's webhook (`POST /telegram/webhook`).
"""

from bot.telegram.application import build_application, serve_polling, telegram_token

__all__ = ["build_application", "serve_polling", "telegram_token"]
