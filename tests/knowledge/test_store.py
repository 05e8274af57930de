"""Durable storage: migrations on SQLite and PostgreSQL, curation with history, unanswered log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, MetaData, String, Table, func, inspect, select, text
from sqlalchemy.orm import Session

from knowledge import curation
from knowledge.curation import EntryExists, EntryNotFound, InvalidEntry
from knowledge.database import (
    alembic_config,
    head_revision,
    make_engine,
    make_session_factory,
    migrate,
)
from knowledge.models import Base, KnowledgeEntry, KnowledgeRevision, UnansweredQuestion
from knowledge.seeding import read_seed, seed_if_empty
from tests.knowledge.conftest import postgres_answers, throwaway_postgres

TABLES = {"knowledge_entries", "knowledge_revisions", "unanswered_questions", "alembic_version"}


def _content(
    answer: str = "대형폐기물은 구청에 신고하고 스티커를 붙여 내놓습니다.",
) -> dict[str, Any]:
    return {"ko": {"question": "소파 버리는 법", "answer": answer, "alternatives": ["가구 버리기"]}}


def _create(session: Session, external_id: str = "faq:sofa", **overrides: Any) -> KnowledgeEntry:
    arguments: dict[str, Any] = {
        "external_id": external_id,
        "collection": "faq",
        "content": _content(),
        "changed_by": "kim",
    }
    arguments.update(overrides)
    return curation.create_entry(session, **arguments)


def _actions(session: Session, external_id: str = "faq:sofa") -> list[str]:
    return [r.action for r in curation.list_revisions(session, external_id=external_id)]


# The newest migration in knowledge/migrations/versions.
HEAD_REVISION = "0005"


def _assert_schema_matches_models(url: str) -> None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            assert TABLES <= set(inspect(connection).get_table_names())
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
            version = connection.execute(text("SELECT version_num FROM alembic_version"))
            assert version.scalar_one() == HEAD_REVISION
    finally:
        engine.dispose()


def test_the_head_read_from_file_names_is_alembics_own_head() -> None:
    # migrate() skips Alembic when the database is at this head, so it must never lag behind.
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert head_revision() == script.get_current_head() == HEAD_REVISION


def test_a_database_behind_head_is_still_migrated(sqlite_url: str) -> None:
    migrate(sqlite_url)
    command.downgrade(alembic_config(sqlite_url), "0004")
    migrate(sqlite_url)
    _assert_schema_matches_models(sqlite_url)


def test_migrations_build_the_models_schema_on_a_fresh_sqlite_file(sqlite_url: str) -> None:
    migrate(sqlite_url)
    migrate(sqlite_url)  # every process start migrates; the second run must change nothing
    _assert_schema_matches_models(sqlite_url)


def test_migrations_build_the_models_schema_on_postgresql(postgres_url: str) -> None:
    migrate(postgres_url)
    migrate(postgres_url)
    _assert_schema_matches_models(postgres_url)
    engine = make_engine(postgres_url)
    with engine.connect() as connection:
        indexes = {ix["name"]: ix for ix in inspect(connection).get_indexes("knowledge_entries")}
    engine.dispose()
    assert indexes["ix_knowledge_entries_external_id"]["unique"]


def test_migrate_accepts_an_engine_for_sqlite_in_memory() -> None:
    engine = make_engine("sqlite://")
    migrate(engine)
    with engine.connect() as connection:
        assert TABLES <= set(inspect(connection).get_table_names())


def test_a_database_made_before_migrations_is_adopted_with_its_entries(sqlite_url: str) -> None:
    """Data folders from the first version (create_all, no alembic_version) keep their seed."""
    legacy = MetaData()
    Table(
        "knowledge_entries",
        legacy,
        *(Column(name, String, nullable=False) for name in ("external_id", "collection")),
        *(Column(name, String) for name in ("category", "tags", "department", "source_url")),
        *(Column(name, String) for name in ("status", "needs_review", "review_note")),
        *(Column(name, String) for name in ("content", "updated_by", "updated_at")),
        Column("id", String, primary_key=True),
    )
    engine = make_engine(sqlite_url)
    legacy.create_all(engine)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO knowledge_entries (id, external_id, collection, category, tags,"
                " status, needs_review, content, updated_by, updated_at) VALUES (1, 'old', 'faq',"
                " '', '[]', 'published', 0, :content, 'seed', '2024-05-01 00:00:00')"
            ),
            {"content": '{"ko": {"question": "q", "answer": "a", "alternatives": []}}'},
        )
    migrate(sqlite_url)
    with make_session_factory(engine)() as session:
        entry = curation.get_entry_by_external_id(session, external_id="old")
        assert entry is not None
        assert entry.created_at == datetime(2024, 5, 1, tzinfo=UTC)
        curation.update_entry(session, external_id="old", category="생활", changed_by="kim")
        assert _actions(session, "old") == ["updated"]
    engine.dispose()


def test_every_write_appends_a_revision_and_retries_add_none(session: Session) -> None:
    entry = _create(session)
    assert entry.status == "draft"
    assert entry.created_at.tzinfo is not None
    assert _create(session).id == entry.id  # a retried create is the same entry, no revision
    assert _actions(session) == ["created"]

    curation.update_entry(session, external_id="faq:sofa", content=_content(), changed_by="kim")
    assert _actions(session) == ["created"]  # identical content: nothing changed

    curation.update_entry(
        session, external_id="faq:sofa", content=_content("새 안내문입니다."), changed_by="lee"
    )
    curation.publish_entry(session, external_id="faq:sofa", changed_by="park")
    curation.publish_entry(session, external_id="faq:sofa", changed_by="park")
    curation.archive_entry(session, external_id="faq:sofa", changed_by="park")
    curation.archive_entry(session, external_id="faq:sofa", changed_by="park")
    assert _actions(session) == ["created", "updated", "published", "archived"]

    revisions = curation.list_revisions(session, external_id="faq:sofa")
    assert [r.revision for r in revisions] == [1, 2, 3, 4]
    assert revisions[1].snapshot["content"]["ko"]["answer"] == "새 안내문입니다."
    assert revisions[1].changed_by == "lee"
    assert revisions[2].snapshot["status"] == "published"
    assert all(r.changed_at.tzinfo is not None for r in revisions)
    stored = curation.get_entry_by_external_id(session, external_id="faq:sofa")
    assert stored is not None
    assert (stored.status, stored.updated_by) == ("archived", "park")


def test_listing_filters_by_status_and_collection(session: Session) -> None:
    _create(session, "faq:a")
    _create(session, "faq:b")
    _create(session, "tax:c", collection="tax")
    curation.publish_entry(session, external_id="faq:b", changed_by="kim")
    assert [e.external_id for e in curation.list_entries(session, collection="faq")] == [
        "faq:a",
        "faq:b",
    ]
    published = curation.list_entries(session, status="published")
    assert [e.external_id for e in published] == ["faq:b"]
    assert [e.external_id for e in curation.list_entries(session, status="draft")] == [
        "faq:a",
        "tax:c",
    ]
    with pytest.raises(InvalidEntry, match="status 'live'"):
        curation.list_entries(session, status="live")


def test_validity_window_is_stored_timezone_aware(session: Session) -> None:
    start = datetime(2025, 1, 1, 9, tzinfo=UTC)
    _create(session, valid_from=start, valid_until=start + timedelta(days=30))
    session.expire_all()
    entry = curation.get_entry_by_external_id(session, external_id="faq:sofa")
    assert entry is not None
    assert entry.valid_from == start
    assert entry.valid_until is not None and entry.valid_until.tzinfo is not None
    with pytest.raises(InvalidEntry, match="expired"):
        curation.publish_entry(session, external_id="faq:sofa", changed_by="kim")


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"external_id": " "}, "external_id is empty"),
        ({"content": {}}, "content must map"),
        ({"content": {"ko": {"question": "q", "answer": "  "}}}, "has no answer"),
        ({"content": {"ko": {"answer": "a", "alternatives": "x"}}}, "alternatives must be"),
        ({"status": "live"}, "status 'live'"),
        ({"valid_from": datetime(2025, 1, 1)}, "valid_from has no timezone"),  # noqa: DTZ001
        (
            {
                "valid_from": datetime(2025, 2, 1, tzinfo=UTC),
                "valid_until": datetime(2025, 1, 1, tzinfo=UTC),
            },
            "valid_until is not after valid_from",
        ),
    ],
)
def test_bad_input_is_refused_with_a_reason(
    sqlite_session: Session, overrides: dict[str, Any], reason: str
) -> None:
    with pytest.raises(InvalidEntry, match=reason):
        _create(sqlite_session, **overrides)
    assert sqlite_session.scalar(select(func.count()).select_from(KnowledgeEntry)) == 0


def test_unknown_ids_and_conflicting_creates_are_clear_errors(sqlite_session: Session) -> None:
    with pytest.raises(EntryNotFound, match="nope"):
        curation.publish_entry(sqlite_session, external_id="nope", changed_by="kim")
    with pytest.raises(EntryNotFound):
        curation.update_entry(sqlite_session, external_id="nope", category="x", changed_by="kim")
    _create(sqlite_session)
    with pytest.raises(EntryExists, match="other content"):
        _create(sqlite_session, content=_content("다른 답"))
    with pytest.raises(InvalidEntry, match="publish_entry|status 'published'"):
        curation.update_entry(
            sqlite_session, external_id="faq:sofa", status="published", changed_by="kim"
        )


def test_unanswered_questions_are_stored_masked(session: Session) -> None:
    curation.record_unanswered(
        session,
        question="제 주민번호 900101-1234567 이고 전화 010-1234-5678 인데 환급 언제 돼요?",
        language="ko",
        channel="telegram",
        decision="handoff",
        top_external_id=None,
    )
    curation.record_unanswered(
        session,
        question="재산세 분납",
        language="ko",
        channel="web",
        decision="clarify",
        top_external_id="tax-property-due-dates",
    )
    session.expire_all()
    stored = list(session.scalars(select(UnansweredQuestion).order_by(UnansweredQuestion.id)))
    assert "900101" not in stored[0].question and "1234567" not in stored[0].question
    assert "######-#######" in stored[0].question and "***-****-****" in stored[0].question
    assert stored[0].top_external_id is None
    assert stored[1].top_external_id == "tax-property-due-dates"
    assert stored[0].asked_at.tzinfo is not None
    columns = {column.name for column in UnansweredQuestion.__table__.columns}
    assert not {name for name in columns if "session" in name or "user" in name}
    with pytest.raises(InvalidEntry, match="decision 'maybe'"):
        curation.record_unanswered(
            session, question="x", language="ko", channel="web", decision="maybe"
        )


def test_seeding_writes_a_created_revision_per_entry(sqlite_session: Session) -> None:
    added = seed_if_empty(sqlite_session)
    assert added == len(read_seed()) > 0
    revisions = list(sqlite_session.scalars(select(KnowledgeRevision)))
    assert len(revisions) == added
    assert {(r.action, r.revision, r.changed_by) for r in revisions} == {("created", 1, "seed")}
    assert seed_if_empty(sqlite_session) == 0


def test_a_throwaway_postgresql_serves_when_no_server_answers(tmp_path: Path) -> None:
    """The fallback a newcomer's machine uses (CI has a server, so exercise it here)."""
    with throwaway_postgres(tmp_path / "pg") as url:
        assert postgres_answers(url) is None
        migrate(url)
        _assert_schema_matches_models(url)
