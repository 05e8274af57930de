"""The staff API: permissions per role, the workflow, CSRF, lockout, tokens, audit, bad input."""

from __future__ import annotations

import io
from typing import Any

import pytest
from fastapi.testclient import TestClient

from knowledge.audit import list_audit
from tests.bot.staff.conftest import PASSWORD, StaffApp

ENTRY = {
    "collection": "dasan",
    "content": {
        "ko": {
            "question": "따릉이 정기권 환불은 어떻게 하나요?",
            "answer": "따릉이 정기권은 사용 전이면 앱의 결제 내역에서 전액 환불할 수 있습니다.",
            "alternatives": ["따릉이 환불"],
        },
        "en": {"question": "How do I refund a Ttareungyi pass?", "answer": "In the app."},
    },
    "category": "교통",
    "source_url": "https://www.bikeseoul.com",
}


def create(app: StaffApp, role: str = "editor", body: dict[str, Any] | None = None) -> Any:
    response = app.client.post(
        "/api/v1/staff/entries", json=body or ENTRY, headers=app.as_role(role)
    )
    assert response.status_code == 201, response.text
    return response.json()


ROUTES = [
    ("GET", "/api/v1/staff/entries"),
    ("POST", "/api/v1/staff/entries"),
    ("GET", "/api/v1/staff/entries/1"),
    ("PATCH", "/api/v1/staff/entries/1"),
    ("POST", "/api/v1/staff/entries/1/submit"),
    ("POST", "/api/v1/staff/entries/1/publish"),
    ("POST", "/api/v1/staff/entries/1/archive"),
    ("POST", "/api/v1/staff/entries/1/send-back"),
    ("POST", "/api/v1/staff/entries/1/revert"),
    ("GET", "/api/v1/staff/entries/1/revisions"),
    ("GET", "/api/v1/staff/unanswered"),
    ("GET", "/api/v1/staff/analytics"),
    ("GET", "/api/v1/staff/analytics.csv"),
    ("POST", "/api/v1/staff/ask"),
    ("POST", "/api/v1/staff/import"),
    ("GET", "/api/v1/staff/export"),
    ("GET", "/api/v1/staff/tokens"),
    ("POST", "/api/v1/staff/tokens"),
    ("DELETE", "/api/v1/staff/tokens/1"),
    ("GET", "/api/v1/staff/audit"),
    ("GET", "/api/v1/staff/auth/me"),
    ("POST", "/api/v1/staff/auth/logout"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_anonymous_callers_get_401_everywhere(staff_app: StaffApp, method: str, path: str) -> None:
    response = staff_app.client.request(method, path, json={})
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_a_made_up_token_is_401_too(staff_app: StaffApp, method: str, path: str) -> None:
    response = staff_app.client.request(
        method, path, json={}, headers={"Authorization": "Bearer hst_not-a-real-token"}
    )
    assert response.status_code == 401


def test_the_contract_flow_from_draft_to_archived(staff_app: StaffApp) -> None:
    client = staff_app.client
    created = create(staff_app)
    assert created["status"] == "draft"
    assert created["revision"] == 1
    entry_id = created["id"]

    patched = client.patch(
        f"/api/v1/staff/entries/{entry_id}",
        json={"revision": 1, "category": "교통/자전거"},
        headers=staff_app.as_role("editor"),
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["revision"] == 2
    assert patched.json()["content"]["en"]["answer"] == "In the app."  # untouched

    stale = client.patch(
        f"/api/v1/staff/entries/{entry_id}",
        json={"revision": 1, "category": "덮어쓰기"},
        headers=staff_app.as_role("reviewer"),
    )
    assert stale.status_code == 409
    assert stale.headers["x-current-revision"] == "2"
    assert (
        client.get(f"/api/v1/staff/entries/{entry_id}", headers=staff_app.as_role("editor")).json()[
            "category"
        ]
        == "교통/자전거"
    )

    submitted = client.post(
        f"/api/v1/staff/entries/{entry_id}/submit", headers=staff_app.as_role("editor")
    )
    assert submitted.json()["status"] == "in_review"
    assert submitted.json()["submitted_by"] == "editor@seoul.go.kr"

    for role in ("editor", "counsellor"):
        denied = client.post(
            f"/api/v1/staff/entries/{entry_id}/publish", headers=staff_app.as_role(role)
        )
        assert denied.status_code == 403, role
        assert "reviewer" in denied.json()["detail"]

    published = client.post(
        f"/api/v1/staff/entries/{entry_id}/publish", headers=staff_app.as_role("reviewer")
    )
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert published.json()["reviewed_by"] == "reviewer@seoul.go.kr"

    # Once citizens see it, an editor cannot change it any more; a reviewer can.
    live_edit = client.patch(
        f"/api/v1/staff/entries/{entry_id}",
        json={"category": "x"},
        headers=staff_app.as_role("editor"),
    )
    assert live_edit.status_code == 403
    assert (
        client.post(
            f"/api/v1/staff/entries/{entry_id}/archive", headers=staff_app.as_role("editor")
        ).status_code
        == 403
    )
    archived = client.post(
        f"/api/v1/staff/entries/{entry_id}/archive", headers=staff_app.as_role("admin")
    )
    assert archived.json()["status"] == "archived"

    history = client.get(
        f"/api/v1/staff/entries/{entry_id}/revisions", headers=staff_app.as_role("counsellor")
    ).json()["revisions"]
    assert [item["action"] for item in history] == [
        "archived",
        "published",
        "submitted",
        "updated",
        "created",
    ]
    category_change = next(c for c in history[3]["changes"] if c["field"] == "category")
    assert (category_change["before"], category_change["after"]) == ("교통", "교통/자전거")


def test_send_back_and_revert(staff_app: StaffApp) -> None:
    client = staff_app.client
    entry_id = create(staff_app)["id"]
    client.patch(
        f"/api/v1/staff/entries/{entry_id}",
        json={"content": {"ko": {"question": "바뀐 질문입니다", "answer": "바뀐 답입니다"}}},
        headers=staff_app.as_role("editor"),
    )
    client.post(f"/api/v1/staff/entries/{entry_id}/submit", headers=staff_app.as_role("editor"))
    no_comment = client.post(
        f"/api/v1/staff/entries/{entry_id}/send-back",
        json={"comment": "  "},
        headers=staff_app.as_role("reviewer"),
    )
    assert no_comment.status_code == 422
    back = client.post(
        f"/api/v1/staff/entries/{entry_id}/send-back",
        json={"comment": "출처를 확인해 주세요"},
        headers=staff_app.as_role("reviewer"),
    )
    assert back.json()["status"] == "draft"
    assert back.json()["review_comment"] == "출처를 확인해 주세요"
    assert (
        client.post(
            f"/api/v1/staff/entries/{entry_id}/send-back",
            json={"comment": "again"},
            headers=staff_app.as_role("reviewer"),
        ).status_code
        == 409
    )  # not in review any more

    reverted = client.post(
        f"/api/v1/staff/entries/{entry_id}/revert",
        json={"to_revision": 1},
        headers=staff_app.as_role("editor"),
    )
    assert reverted.status_code == 200, reverted.text
    assert reverted.json()["content"]["ko"]["question"] == ENTRY["content"]["ko"]["question"]
    history = client.get(
        f"/api/v1/staff/entries/{entry_id}/revisions", headers=staff_app.as_role("editor")
    ).json()["revisions"]
    assert history[0]["action"] == "reverted"
    diff = next(c for c in history[0]["changes"] if c["field"] == "ko.answer")["diff"]
    assert "-바뀐 답입니다" in diff


def test_roles_on_reads_and_admin_only_routes(staff_app: StaffApp) -> None:
    client = staff_app.client
    for role in ("editor", "reviewer", "counsellor", "admin"):
        assert (
            client.get("/api/v1/staff/entries", headers=staff_app.as_role(role)).status_code == 200
        )
        assert (
            client.get("/api/v1/staff/export", headers=staff_app.as_role(role)).status_code == 200
        )
        expected = 200 if role == "admin" else 403
        assert (
            client.get("/api/v1/staff/tokens", headers=staff_app.as_role(role)).status_code
            == expected
        )
        assert (
            client.get("/api/v1/staff/audit", headers=staff_app.as_role(role)).status_code
            == expected
        )
        created = client.post(
            "/api/v1/staff/tokens",
            json={"email": "editor@seoul.go.kr", "name": "x"},
            headers=staff_app.as_role(role),
        )
        assert created.status_code == (201 if role == "admin" else 403)
    denied = client.post(
        "/api/v1/staff/entries", json=ENTRY, headers=staff_app.as_role("counsellor")
    )
    assert denied.status_code == 403
    entry_id = create(staff_app)["id"]
    for path in ("submit", "publish", "archive"):
        response = client.post(
            f"/api/v1/staff/entries/{entry_id}/{path}", headers=staff_app.as_role("counsellor")
        )
        assert response.status_code == 403, path
    patch = client.patch(
        f"/api/v1/staff/entries/{entry_id}",
        json={"category": "x"},
        headers=staff_app.as_role("counsellor"),
    )
    assert patch.status_code == 403
    # Importing with publish needs a reviewer.
    upload = {"file": ("a.csv", b"id,answer\n1,hello\n", "text/csv")}
    form = {
        "format": "csv",
        "collection": "dasan",
        "id_column": "id",
        "answer_column": "answer",
        "publish": "true",
        "dry_run": "false",
    }
    assert (
        client.post(
            "/api/v1/staff/import", data=form, files=upload, headers=staff_app.as_role("editor")
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/api/v1/staff/import", data=form, files=upload, headers=staff_app.as_role("counsellor")
        ).status_code
        == 403
    )


def login(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    return client.post("/api/v1/staff/auth/login", json={"email": email, "password": password})


def test_cookie_login_needs_the_csrf_token_on_every_write(staff_app: StaffApp) -> None:
    client = staff_app.client
    response = login(client, "Editor@Seoul.go.kr")
    assert response.status_code == 200
    csrf = response.json()["csrf_token"]
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    # The cookie holds a random secret; the database only its hash.
    secret = client.cookies["haechi_staff"]
    with staff_app.session() as session:
        from sqlalchemy import select

        from knowledge.staff_models import StaffSession

        hashes = list(session.scalars(select(StaffSession.secret_hash)))
    assert secret not in hashes and len(hashes) == 1

    assert client.get("/api/v1/staff/auth/me").json()["email"] == "editor@seoul.go.kr"
    assert client.get("/api/v1/staff/entries").status_code == 200  # reads need no token
    assert client.post("/api/v1/staff/entries", json=ENTRY).status_code == 403
    wrong = client.post("/api/v1/staff/entries", json=ENTRY, headers={"X-CSRF-Token": "0" * 64})
    assert wrong.status_code == 403
    ok = client.post("/api/v1/staff/entries", json=ENTRY, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 201
    entry_id = ok.json()["id"]
    assert client.post(f"/api/v1/staff/entries/{entry_id}/submit").status_code == 403
    assert client.post("/api/v1/staff/auth/logout").status_code == 403
    assert (
        client.post("/api/v1/staff/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    )
    client.cookies.set("haechi_staff", secret)  # a copied cookie is worthless after logout
    assert client.get("/api/v1/staff/auth/me").status_code == 401


def test_lockout_after_five_failures_even_for_the_right_password(staff_app: StaffApp) -> None:
    client = staff_app.client
    assert login(client, "nobody@seoul.go.kr").status_code == 401
    for _ in range(4):
        assert login(client, "reviewer@seoul.go.kr", "wrong-password-123").status_code == 401
    locked = login(client, "reviewer@seoul.go.kr", "wrong-password-123")
    assert locked.status_code == 423
    assert locked.headers["retry-after"] == "900"
    assert login(client, "reviewer@seoul.go.kr").status_code == 423
    # Other accounts are not affected.
    assert login(client, "editor@seoul.go.kr").status_code == 200
    with staff_app.session() as session:
        actions = [r.action for r in list_audit(session, target_id="reviewer@seoul.go.kr")]
    assert actions.count("login.failed") == 4 and "login.locked" in actions


def test_a_revoked_token_stops_working(staff_app: StaffApp) -> None:
    client = staff_app.client
    issued = client.post(
        "/api/v1/staff/tokens",
        json={"email": "editor@seoul.go.kr", "name": "민원 시스템"},
        headers=staff_app.as_role("admin"),
    ).json()
    token = {"Authorization": f"Bearer {issued['token']}"}
    assert client.get("/api/v1/staff/auth/me", headers=token).json()["role"] == "editor"
    listed = client.get("/api/v1/staff/tokens", headers=staff_app.as_role("admin")).json()
    assert all("token" not in item for item in listed["tokens"])  # shown once, never again
    assert client.delete(f"/api/v1/staff/tokens/{issued['id']}", headers=token).status_code == 403
    assert (
        client.delete(
            f"/api/v1/staff/tokens/{issued['id']}", headers=staff_app.as_role("admin")
        ).status_code
        == 204
    )
    assert client.get("/api/v1/staff/auth/me", headers=token).status_code == 401
    assert client.post("/api/v1/staff/entries", json=ENTRY, headers=token).status_code == 401


def test_every_write_is_audited_with_before_and_after(staff_app: StaffApp) -> None:
    client = staff_app.client
    entry_id = create(staff_app)["id"]
    client.patch(
        f"/api/v1/staff/entries/{entry_id}",
        json={"revision": 1, "department": "자전거정책과"},
        headers=staff_app.as_role("editor"),
    )
    # A refused write leaves no record.
    client.patch(
        f"/api/v1/staff/entries/{entry_id}",
        json={"revision": 1, "department": "다른 과"},
        headers=staff_app.as_role("editor"),
    )
    client.post(f"/api/v1/staff/entries/{entry_id}/publish", headers=staff_app.as_role("admin"))
    records = client.get(
        "/api/v1/staff/audit",
        params={"target_id": str(entry_id), "target_type": "knowledge_entry"},
        headers=staff_app.as_role("admin"),
    ).json()["records"]
    assert [(r["action"], r["actor"]) for r in records] == [
        ("entry.publish", "admin@seoul.go.kr"),
        ("entry.updated", "editor@seoul.go.kr"),
        ("entry.create", "editor@seoul.go.kr"),
    ]
    assert records[1]["before"]["department"] is None
    assert records[1]["after"]["department"] == "자전거정책과"
    assert (
        records[0]["before"]["status"] == "draft" and records[0]["after"]["status"] == "published"
    )
    assert records[2]["before"] is None


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"content": {"ko": {"question": "", "answer": "답"}}}, "question"),
        ({"content": {"ko": {"question": "   ", "answer": "답"}}}, "question"),
        ({"content": {"ko": {"question": "질문", "answer": "가" * 1_000_000}}}, "answer"),
        ({"source_url": "javascript:alert(1)"}, "source_url"),
        ({"collection": ""}, "collection"),
        ({"content": {"ko": {"question": "q", "answer": "a", "extra": 1}}}, "extra"),
        ({"valid_from": "2026-01-01T00:00:00"}, "valid_from"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(
    staff_app: StaffApp, change: dict[str, Any], reason: str
) -> None:
    body = {**ENTRY, **change}
    response = staff_app.client.post(
        "/api/v1/staff/entries", json=body, headers=staff_app.as_role("editor")
    )
    assert response.status_code == 422, response.text
    assert reason in response.text


def test_script_in_content_is_kept_as_text(staff_app: StaffApp) -> None:
    script = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    body = {**ENTRY, "content": {"ko": {"question": "스크립트 " + script, "answer": script}}}
    created = create(staff_app, body=body)
    assert created["content"]["ko"]["answer"] == script  # stored verbatim; pages escape it


def test_import_dry_run_reports_broken_rows_and_writes_nothing(staff_app: StaffApp) -> None:
    client = staff_app.client
    csv_text = (
        "번호,질문,답변\n"
        "1,쓰레기 배출 요일은?,구청 누리집에서 확인하세요.\n"
        "2,빈 답변,\n"
        ",아이디 없음,답\n"
        "1,중복,답\n"
        "3,\"=cmd|' /C calc'!A0\",수식처럼 보이는 질문\n"
    )
    form = {
        "format": "csv",
        "collection": "dasan",
        "id_column": "번호",
        "answer_column": "답변",
        "title_column": "질문",
        "dry_run": "true",
    }
    files = {"file": ("qa.csv", io.BytesIO(csv_text.encode()), "text/csv")}
    preview = client.post(
        "/api/v1/staff/import", data=form, files=files, headers=staff_app.as_role("editor")
    )
    assert preview.status_code == 200, preview.text
    report = preview.json()
    assert report["dry_run"] is True
    assert (report["created"], len(report["skipped"])) == (2, 3)
    assert {row["row"] for row in report["skipped"]} == {3, 4, 5}
    assert [row["outcome"] for row in report["preview"]] == [
        "created",
        "skipped",
        "skipped",
        "skipped",
        "created",
    ]
    listed = client.get("/api/v1/staff/entries", headers=staff_app.as_role("editor")).json()
    assert listed["entries"] == []

    form["dry_run"] = "false"
    files = {"file": ("qa.csv", io.BytesIO(csv_text.encode()), "text/csv")}
    done = client.post(
        "/api/v1/staff/import", data=form, files=files, headers=staff_app.as_role("editor")
    ).json()
    assert done["created"] == 2
    entries = client.get("/api/v1/staff/entries", headers=staff_app.as_role("editor")).json()[
        "entries"
    ]
    assert {e["status"] for e in entries} == {"draft"}
    exported = client.get(
        "/api/v1/staff/export", params={"format": "csv"}, headers=staff_app.as_role("counsellor")
    ).text
    assert "'=cmd" in exported  # a formula-looking cell is neutralised for spreadsheets

    garbage = {
        "file": ("x.jsonl", io.BytesIO(b'\xff\xfe not json\n{"id": 1}\n'), "application/json")
    }
    form_jsonl = {**form, "format": "jsonl"}
    response = client.post(
        "/api/v1/staff/import", data=form_jsonl, files=garbage, headers=staff_app.as_role("editor")
    )
    assert response.status_code in (200, 422)
    if response.status_code == 200:
        assert len(response.json()["skipped"]) == 2


def test_entry_list_filters(staff_app: StaffApp) -> None:
    create(staff_app)
    other = {
        **ENTRY,
        "collection": "tax",
        "content": {"ko": {"question": "자동차세 연납", "answer": "1월에 신청"}},
    }
    create(staff_app, body=other)
    client = staff_app.client
    headers = staff_app.as_role("counsellor")
    by_text = client.get("/api/v1/staff/entries", params={"q": "따릉이"}, headers=headers).json()
    assert [e["collection"] for e in by_text["entries"]] == ["dasan"]
    by_english = client.get("/api/v1/staff/entries", params={"q": "REFUND"}, headers=headers).json()
    assert len(by_english["entries"]) == 1
    by_collection = client.get(
        "/api/v1/staff/entries", params={"collection": "tax"}, headers=headers
    )
    assert by_collection.json()["entries"][0]["content"]["ko"]["question"] == "자동차세 연납"
    assert (
        client.get("/api/v1/staff/entries", params={"status": "nope"}, headers=headers).status_code
        == 422
    )
