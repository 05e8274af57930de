"""`python -m actions`: the action server (see actions/server.py)."""

from __future__ import annotations

from actions.server import run

if __name__ == "__main__":
    run()
