"""Console pages: login, CSRF on forms, the workflow by form, and staff text shown as text."""

from __future__ import annotations

import re

from tests.bot.staff.conftest import PASSWORD, StaffApp

SCRIPT = "<script>alert('x')</script>"


def log_in(app: StaffApp, email: str) -> str:
    response = app.client.post(
        "/staff/login", data={"email": email, "password": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    page = app.client.get("/staff").text
    match = re.search(r'<meta name="csrf-token" content="([0-9a-f]+)">', page)
    assert match
    return match.group(1)


def test_pages_need_a_login(staff_app: StaffApp) -> None:
    for path in (
        "/staff",
        "/staff/entries/new",
        "/staff/ask",
        "/staff/unanswered",
        "/staff/import",
        "/staff/analytics",
        "/staff/tokens",
    ):
        response = staff_app.client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/staff/login"
    login = staff_app.client.get("/staff/login")
    assert '<html lang="ko">' in login.text and "로그인" in login.text
    english = staff_app.client.get("/staff/login?lang=en")
    assert '<html lang="en">' in english.text and "Log in" in english.text
    wrong = staff_app.client.post(
        "/staff/login", data={"email": "editor@seoul.go.kr", "password": "x"}
    )
    assert wrong.status_code == 401 and "비밀번호" in wrong.text


def test_write_draft_submit_and_publish_by_form_with_script_kept_as_text(
    staff_app: StaffApp,
) -> None:
    client = staff_app.client
    csrf = log_in(staff_app, "editor@seoul.go.kr")
    form = {
        "collection": "dasan",
        "ko_question": f"반려견 등록 {SCRIPT}",
        "ko_answer": f"구청에서 등록합니다. {SCRIPT}",
        "ko_alternatives": "강아지 등록\n동물등록",
        "en_question": "",
        "en_answer": "",
        "source_url": "https://www.animal.go.kr",
    }
    assert client.post("/staff/entries/new", data=form).status_code == 403  # no CSRF token
    created = client.post(
        "/staff/entries/new", data={**form, "csrf_token": csrf}, follow_redirects=False
    )
    assert created.status_code == 303, created.text
    entry_url = created.headers["location"].split("?")[0]
    page = client.get(entry_url).text
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    listing = client.get("/staff").text
    assert SCRIPT not in listing and "반려견 등록" in listing

    bad_url = client.post(
        entry_url,
        data={**form, "csrf_token": csrf, "revision": "1", "source_url": "javascript:alert(1)"},
    )
    assert bad_url.status_code == 422
    stale = client.post(
        entry_url,
        data={**form, "csrf_token": csrf, "revision": "1", "ko_answer": "새 답"},
        follow_redirects=False,
    )
    assert stale.status_code == 303
    again = client.post(
        entry_url, data={**form, "csrf_token": csrf, "revision": "1", "ko_answer": "다른 답"}
    )
    assert again.status_code == 409 and "다른 사람이" in again.text

    submitted = client.post(
        f"{entry_url}/submit", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert submitted.status_code == 303
    denied = client.post(f"{entry_url}/publish", data={"csrf_token": csrf})
    assert denied.status_code == 403

    client.cookies.clear()
    csrf = log_in(staff_app, "reviewer@seoul.go.kr")
    page = client.get(entry_url).text
    assert 'data-action="publish"' in page and 'data-action="send-back"' in page
    published = client.post(
        f"{entry_url}/publish", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert published.status_code == 303
    assert 'data-status="published"' in client.get(entry_url).text


def test_tokens_page_is_admin_only(staff_app: StaffApp) -> None:
    log_in(staff_app, "counsellor@seoul.go.kr")
    assert staff_app.client.get("/staff/tokens").status_code == 403
    entries = staff_app.client.get("/staff").text
    assert "새 항목 쓰기" not in entries  # counsellors read only
    staff_app.client.cookies.clear()
    csrf = log_in(staff_app, "admin@seoul.go.kr")
    issued = staff_app.client.post(
        "/staff/tokens",
        data={"csrf_token": csrf, "email": "editor@seoul.go.kr", "name": "<b>민원</b>"},
    )
    assert issued.status_code == 200
    assert "hst_" in issued.text and "&lt;b&gt;민원&lt;/b&gt;" in issued.text
