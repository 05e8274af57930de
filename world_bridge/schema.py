"""Write (or check) the protocol's JSON Schema: `python -m world_bridge.schema [--check]`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from world_bridge.protocol import json_schema

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "docs" / "world-protocol.schema.json"


def render() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if the file is out of date")
    parser.add_argument("--out", type=Path, default=SCHEMA_FILE)
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is out of date: run python -m world_bridge.schema", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
