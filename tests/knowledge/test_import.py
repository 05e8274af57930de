"""Importing CSV and JSON Lines: bad rows reported and skipped, re-imports update in place."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from knowledge import curation
from knowledge.importer import ImportFileError, ImportReport, clean_text, import_file
from knowledge.knowledge_base import KnowledgeBase
from knowledge.models import KnowledgeEntry, KnowledgeRevision


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


CSV_ROWS = [
    ["번호", "분류", "제목", "내용"],
    ["1", "환경", "소파 버리는 법", "구청에 대형폐기물 배출 신고를 하세요."],
    ["2", "교통", "지하철 분실물", "&amp;amp;apos;Lost112&amp;amp;apos;에서 찾아보세요."],
    ["", "교통", "번호 없는 줄", "버려질 내용"],
    ["3", "복지", "빈 답변", "   "],
    ["1", "환경", "같은 번호 다시", "중복입니다."],
    ["4", "행정", "여러 줄 답변", "첫째 줄\n\n둘째   줄"],
]


def _import_csv(
    session: Session, path: Path, *, answer_column: str = "내용", publish: bool = False
) -> ImportReport:
    return import_file(
        session,
        path,
        format="csv",
        collection="faq120",
        id_column="번호",
        answer_column=answer_column,
        title_column="제목",
        category_column="분류",
        publish=publish,
    )


def test_clean_text_unescapes_until_nothing_is_left() -> None:
    assert clean_text("&amp;amp;amp;amp;apos;A&amp;gt;B&amp;amp;apos;") == "'A>B'"
    assert clean_text("  a \t b \n\n c  ") == "a b\nc"


def test_csv_import_reports_bad_rows_and_reimport_updates(
    sqlite_session: Session, tmp_path: Path
) -> None:
    path = _write_csv(tmp_path / "faq.csv", CSV_ROWS)
    report = _import_csv(sqlite_session, path)
    assert report.summary() == "created 3, updated 0, unchanged 0, skipped 3"
    reasons = {skipped.row: skipped.reason for skipped in report.skipped}
    assert reasons[4].startswith("missing id")
    assert reasons[5].startswith("empty answer")
    assert reasons[6] == "duplicate id '1' (first on row 2)"

    entry = curation.get_entry_by_external_id(sqlite_session, external_id="faq120:2")
    assert entry is not None
    assert entry.content["ko"]["answer"] == "'Lost112'에서 찾아보세요."
    assert (entry.status, entry.category, entry.collection) == ("draft", "교통", "faq120")
    multiline = curation.get_entry_by_external_id(sqlite_session, external_id="faq120:4")
    assert multiline is not None and multiline.content["ko"]["answer"] == "첫째 줄\n둘째 줄"

    again = _import_csv(sqlite_session, path)
    assert again.summary() == "created 0, updated 0, unchanged 3, skipped 3"

    changed = [list(row) for row in CSV_ROWS]
    changed[1][3] = "구청 누리집에서 배출 신고를 하세요."
    _write_csv(path, changed)
    third = _import_csv(sqlite_session, path, publish=True)
    assert third.summary() == "created 0, updated 3, unchanged 0, skipped 3"
    assert sqlite_session.scalar(select(func.count()).select_from(KnowledgeEntry)) == 3
    actions = [r.action for r in curation.list_revisions(sqlite_session, external_id="faq120:1")]
    assert actions == ["imported", "imported", "published"]
    assert [r.action for r in curation.list_revisions(sqlite_session, external_id="faq120:2")] == [
        "imported",
        "published",
    ]


def test_undecodable_csv_rows_are_skipped(sqlite_session: Session, tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        "id,answer\n1,좋은 답\n".encode() + b"2,\xff\xfe broken\n" + "3,또 좋은 답\n".encode()
    )
    report = import_file(
        sqlite_session, path, format="csv", collection="c", id_column="id", answer_column="answer"
    )
    assert report.summary() == "created 2, updated 0, unchanged 0, skipped 1"
    assert report.skipped[0].row == 3 and report.skipped[0].reason == "not valid UTF-8"


def test_jsonl_import_with_bad_lines(sqlite_session: Session, tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": 10, "q": "여권 발급", "a": "구청 여권과에서 신청합니다."}),
        "{not json",
        json.dumps(["a list"]),
        "",
        json.dumps({"id": 11, "q": "답 없음"}),
        json.dumps({"q": "번호 없음", "a": "답"}),
        json.dumps({"id": 12, "q": "Passport", "a": {"nested": True}}),
    ]
    path = tmp_path / "faq.jsonl"
    path.write_bytes("\n".join(lines).encode() + b"\n" + b'{"id": 13, "a": "\xff"}\n')
    report = import_file(
        sqlite_session,
        path,
        format="jsonl",
        collection="jsonfaq",
        id_column="id",
        answer_column="a",
        title_column="q",
    )
    assert report.created == 1
    assert {s.row: s.reason for s in report.skipped} == {
        2: "not JSON (Expecting property name enclosed in double quotes)",
        3: "not a JSON object",
        5: "empty answer (a)",
        6: "missing id (id)",
        7: "column 'a' is not text",
        8: "not valid UTF-8",
    }
    again = import_file(
        sqlite_session,
        path,
        format="jsonl",
        collection="jsonfaq",
        id_column="id",
        answer_column="a",
        title_column="q",
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_a_missing_column_or_file_stops_the_import(sqlite_session: Session, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "faq.csv", CSV_ROWS)
    with pytest.raises(ImportFileError, match="no column 답변"):
        _import_csv(sqlite_session, path, answer_column="답변")
    with pytest.raises(ImportFileError, match="no such file"):
        _import_csv(sqlite_session, tmp_path / "absent.csv")


def test_answer_only_entries_import_and_are_found(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'haechi.db'}"
    from knowledge.database import make_engine, make_session_factory, migrate

    migrate(url)
    path = _write_csv(
        tmp_path / "answers.csv",
        [
            ["id", "text"],
            ["a", "따릉이는 서울시 공공자전거로 대여소에서 빌려 탈 수 있습니다."],
            ["b", "청년월세 지원은 주소지 구청에서 신청합니다."],
        ],
    )
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        report = import_file(
            session,
            path,
            format="csv",
            collection="answers",
            id_column="id",
            answer_column="text",
            publish=True,
        )
        assert report.created == 2
        entry = curation.get_entry_by_external_id(session, external_id="answers:a")
        assert entry is not None and entry.content["ko"]["question"] == ""
    engine.dispose()
    knowledge_base = KnowledgeBase.open(url)
    outcome = knowledge_base.search("공공자전거 따릉이 대여", collection="answers")
    assert outcome.best is not None
    assert outcome.best.entry.external_id == "answers:a"


def test_the_seoul_120_file_imports_as_drafts(sqlite_session: Session, seoul_120_csv: Path) -> None:
    with seoul_120_csv.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    empty = sum(1 for record in records if not record["내용"].strip())
    assert len(records) == 2645

    report = import_file(
        sqlite_session,
        seoul_120_csv,
        format="csv",
        collection="seoul120",
        id_column="번호",
        answer_column="내용",
        title_column="제목",
        category_column="분류",
    )
    assert report.created == len(records) - empty == 2640
    assert [s.reason for s in report.skipped] == ["empty answer (내용)"] * empty
    # Its digits were stripped: never citizen-facing, so nothing of it may be published.
    assert curation.list_entries(sqlite_session, status="published", collection="seoul120") == []
    answers = [e.content["ko"]["answer"] for e in curation.list_entries(sqlite_session)]
    assert not any("&amp;" in answer or "&apos;" in answer for answer in answers)
    revisions = sqlite_session.scalar(select(func.count()).select_from(KnowledgeRevision))
    assert revisions == 2640

    again = import_file(
        sqlite_session,
        seoul_120_csv,
        format="csv",
        collection="seoul120",
        id_column="번호",
        answer_column="내용",
        title_column="제목",
        category_column="분류",
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2640)
