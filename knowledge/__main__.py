"""`python -m knowledge`: migrate the database, import Q&A files, search the knowledge base.

The database is the one the settings name (HAECHI_DATABASE_URL, or haechi.db under
HAECHI_DATA_DIR), the same the gateway and the action server open.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from knowledge.database import make_engine, make_session_factory, migrate
from knowledge.importer import FORMATS, ImportFileError, import_file
from knowledge.landmarks.store import load_landmarks
from knowledge.seeding import seed_if_empty
from knowledge.settings import get_settings
from knowledge.staff_models import STAFF_ROLES

# Enough to fix a file by; the count in the summary is always complete.
_MAX_SKIPPED_SHOWN = 50


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m knowledge", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("migrate", help="bring the database schema up to date")

    importing = commands.add_parser("import", help="import question/answer records")
    importing.add_argument("file", type=Path)
    importing.add_argument("--format", choices=FORMATS, required=True)
    importing.add_argument("--collection", required=True)
    importing.add_argument("--id-column", required=True)
    importing.add_argument("--answer-column", required=True)
    importing.add_argument("--title-column")
    importing.add_argument("--category-column")
    importing.add_argument("--language", default="ko")
    importing.add_argument(
        "--publish", action="store_true", help="publish the entries (default: drafts)"
    )
    importing.add_argument("--changed-by", default="import", help="name kept in the history")
    importing.add_argument(
        "--no-index",
        action="store_true",
        help="with --publish, leave embedding the new entries to the running servers",
    )
    importing.add_argument(
        "--no-seed",
        action="store_true",
        help="do not load the curated seed into an empty database first (scratch databases)",
    )

    searching = commands.add_parser("search", help="search the published entries")
    searching.add_argument("query")
    searching.add_argument("--k", type=int, default=10)
    searching.add_argument("--json", action="store_true", dest="as_json")
    searching.add_argument("--collection")
    translation = commands.add_parser(
        "translation", help="offline translation packages (.argosmodel) under the data folder"
    )
    packages = translation.add_subparsers(dest="translation_command", required=True)
    installing = packages.add_parser("install", help="install a .argosmodel package file")
    installing.add_argument("file", type=Path)
    packages.add_parser("list", help="list the installed packages")
    removing = packages.add_parser("remove", help="remove a package by its pair, e.g. ja_en")
    removing.add_argument("pair")

    staff = commands.add_parser("staff", help="staff accounts of the console and API tokens")
    staff_commands = staff.add_subparsers(dest="staff_command", required=True)
    adding = staff_commands.add_parser("add", help="create an account (or reset its password)")
    adding.add_argument("email")
    adding.add_argument("--role", choices=STAFF_ROLES, required=True)
    adding.add_argument(
        "--password-stdin",
        action="store_true",
        required=True,
        help="read the password from standard input (never from the command line)",
    )
    token = staff_commands.add_parser("token", help="print a new API token for an account, once")
    token.add_argument("email")
    token.add_argument("--name", required=True, help="which system uses it")
    return parser


def _run_translation(args: argparse.Namespace) -> int:
    from knowledge.translation.packages import PackageError, install, installed_packages, remove

    data_dir = get_settings().data_dir
    try:
        if args.translation_command == "install":
            package = install(args.file, data_dir)
            print(f"installed {package.pair} (version {package.version or '?'}) at {package.path}")
        elif args.translation_command == "remove":
            package = remove(args.pair, data_dir)
            print(f"removed {package.pair}")
        else:
            found = installed_packages(data_dir)
            for package in found:
                print(f"{package.pair}\t{package.version or '?'}\t{package.path}")
            if not found:
                print("no translation packages installed", file=sys.stderr)
    except PackageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


def _prepare(url: str, *, seed: bool) -> None:
    """Migrate, and seed an empty base first, exactly as the gateway would on its first start.

    Without the seed step, importing into a fresh database would leave it non-empty, and the
    curated seed (which only ever fills an empty base) would never be loaded.
    """
    migrate(url)
    if not seed:
        return
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            seed_if_empty(session)
            load_landmarks(session)
    finally:
        engine.dispose()


def _run_import(args: argparse.Namespace, url: str) -> int:
    _prepare(url, seed=not args.no_seed)
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            report = import_file(
                session,
                args.file,
                format=args.format,
                collection=args.collection,
                id_column=args.id_column,
                answer_column=args.answer_column,
                title_column=args.title_column,
                category_column=args.category_column,
                language=args.language,
                publish=args.publish,
                changed_by=args.changed_by,
                progress=True,
            )
    except ImportFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    for skipped in report.skipped[:_MAX_SKIPPED_SHOWN]:
        print(f"skipped row {skipped.row}: {skipped.reason}", file=sys.stderr)
    if len(report.skipped) > _MAX_SKIPPED_SHOWN:
        print(f"... and {len(report.skipped) - _MAX_SKIPPED_SHOWN} more", file=sys.stderr)
    print(report.summary())
    if args.publish and not args.no_index:
        _index_published(url)
    return 0


def _index_published(url: str) -> None:
    """Embed what was just published here, with a progress bar, into the shared cache and the
    saved index, so the running servers pick the entries up in seconds instead of embedding
    them while citizens wait."""
    from knowledge.knowledge_base import KnowledgeBase

    knowledge_base = KnowledgeBase.open(url)
    try:
        print(f"search index: {len(knowledge_base.index())} published entries", file=sys.stderr)
    finally:
        knowledge_base.engine.dispose()


def _run_search(args: argparse.Namespace, url: str) -> int:
    # No Kiwi preload thread: Kiwi's loader holds the GIL, so it only slowed the imports down.
    from knowledge.knowledge_base import KnowledgeBase

    if args.k < 1:
        print("error: --k must be at least 1", file=sys.stderr)
        return 2
    migrate(url)
    knowledge_base = KnowledgeBase.open(url)
    try:
        outcome = knowledge_base.search(args.query, k=args.k, collection=args.collection)
    finally:
        knowledge_base.engine.dispose()
    results = outcome.results()
    if args.as_json:
        print(json.dumps({"decision": outcome.decision, "results": results}, ensure_ascii=False))
        return 0
    print(f"decision: {outcome.decision}")
    for rank, result in enumerate(results, start=1):
        print(
            f"{rank:>3}. {result['score']:8.3f}  {result['external_id']}  "
            f"[{result['collection']}]  {result['title']}"
        )
    return 0


def _run_staff(args: argparse.Namespace, url: str) -> int:
    from knowledge.staff_accounts import StaffError, create_account, issue_token

    migrate(url)
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            if args.staff_command == "add":
                password = sys.stdin.readline().rstrip("\r\n")
                account = create_account(
                    session, email=args.email, role=args.role, password=password, actor="cli"
                )
                print(f"staff account {account.email} ({account.role}) is ready")
                return 0
            _row, secret = issue_token(session, email=args.email, name=args.name, actor="cli")
            # The only time the token is shown: only its hash is kept.
            print(secret)
            return 0
    except StaffError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "translation":
        return _run_translation(args)
    url = get_settings().effective_database_url
    if args.command == "migrate":
        migrate(url)
        print("database is at the newest schema")
        return 0
    if args.command == "import":
        return _run_import(args, url)
    if args.command == "staff":
        return _run_staff(args, url)
    return _run_search(args, url)


if __name__ == "__main__":
    sys.exit(main())
