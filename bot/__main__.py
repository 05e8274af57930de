"""`python -m bot`: run the gateway with uvicorn on the configured host and port."""

from __future__ import annotations

import logging

import uvicorn

from bot.app import create_app
from bot.settings import get_settings


def main() -> None:
    settings = get_settings()
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs every request at INFO; health polling would drown everything else.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    uvicorn.run(
        create_app(freeze_start_up=True),
        host=settings.gateway_host,
        port=settings.gateway_port,
        log_level=settings.log_level.lower(),
        access_log=False,
        # The world protocol's own frame limit, not uvicorn's 16 MiB default: a client cannot
        # make the server buffer more than one frame's worth.
        ws_max_size=settings.world_max_frame_bytes,
        ws_per_message_deflate=settings.world_compression,
    )


if __name__ == "__main__":
    main()
