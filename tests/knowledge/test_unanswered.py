"""The unanswered inbox groups misses by meaning with the real embedding model."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from knowledge.curation import record_unanswered
from knowledge.database import make_engine, make_session_factory, migrate
from knowledge.embeddings import open_embedder
from knowledge.models import UnansweredQuestion
from knowledge.unanswered import group_unanswered
from tests.conftest import share_embedding_cache

DOGS = ["강아지 동물등록 어디서 해요?", "반려견 등록은 어떻게 하나요", "우리 개 동물 등록하려면?"]
DRONES = ["드론 날려도 되는 공원 있나요", "한강에서 드론 촬영 가능한가요?", "공원 드론 비행 허가"]
LOST = ["지하철 분실물 찾는 법"]


def test_paraphrases_group_together_and_topics_apart(
    tmp_path: Path, pytestconfig: pytest.Config
) -> None:
    share_embedding_cache(tmp_path, pytestconfig)
    engine = make_engine(f"sqlite:///{tmp_path / 'haechi.db'}")
    migrate(engine)
    with make_session_factory(engine)() as session:
        for question in [*DOGS, *DRONES, *LOST, DOGS[0]]:
            record_unanswered(
                session, question=question, language="ko", channel="web", decision="handoff"
            )
        first = session.query(UnansweredQuestion).first()
        assert first is not None
        first.asked_at = datetime.now(UTC) - timedelta(days=3)
        session.commit()
        embedder = open_embedder(data_dir=tmp_path)
        groups = group_unanswered(session, embedder)
        assert [(g.question, g.count) for g in groups] == [
            (DOGS[0], 4),
            (DRONES[0], 3),
            (LOST[0], 1),
        ]
        assert groups[0].first_seen < groups[0].last_seen
        assert groups[0].samples == DOGS  # distinct phrasings
        # A group the knowledge base now answers leaves the inbox.
        remaining = group_unanswered(session, embedder, answered=lambda q: "드론" in q)
        assert [g.question for g in remaining] == [DOGS[0], LOST[0]]
    engine.dispose()
