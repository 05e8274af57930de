"""`python -m civic.documents rotate-key | did`: the issuer's keys from the command line."""

from __future__ import annotations

import argparse
import json

from civic.documents.settings import get_document_settings
from civic.documents.signing import IssuerKeys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m civic.documents")
    parser.add_argument("command", choices=["rotate-key", "did"])
    arguments = parser.parse_args(argv)
    keys = IssuerKeys(get_document_settings())
    if arguments.command == "rotate-key":
        # Running processes notice the changed key file and sign with the new key.
        print(keys.rotate())
    else:
        print(json.dumps(keys.did_document(), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
