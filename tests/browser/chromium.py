"""Debian's headless Chromium for the browser tests: where it is and how it is started."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
# Screenshots go where HAECHI_SCREENSHOT_DIR says (to look at them), else to a temporary folder:
# tests never write into the developer's ./var.
SCREENSHOTS = Path(
    os.environ.get("HAECHI_SCREENSHOT_DIR") or tempfile.mkdtemp(prefix="haechi-screenshots-")
)
# Without these, Chromium keeps trying to reach Google's hosts, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def launch_chromium(extra_args: Sequence[str] = ()) -> Iterator[Browser]:
    assert CHROMIUM.exists(), "Debian's chromium is missing: `make browser` installs it"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=[*CHROMIUM_ARGS, *extra_args]
        )
        yield browser
        browser.close()
