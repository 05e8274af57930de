"""The documents API: did.json, status lists, verification, the wallet, presentations, revoke.

Every wallet route is tried by an outsider: without the session's secret, with another
session's secret, and for another holder's credential.
"""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

from civic.documents.office import DocumentOffice
from civic.documents.signing import unverified_parts
from tests.bot.staff.conftest import StaffApp


def _session(app: StaffApp) -> tuple[str, dict[str, str]]:
    body = app.client.post("/api/v1/chat/sessions").json()
    app.client.cookies.clear()  # each caller below says who it is explicitly
    return body["session_id"], {"Authorization": f"Bearer {body['session_secret']}"}


def _office(app: StaffApp) -> DocumentOffice:
    assert app.client.get("/.well-known/did.json").status_code == 200
    office: DocumentOffice = app.client.app.state.documents  # type: ignore[attr-defined]
    return office


def _issue(office: DocumentOffice, session_id: str, document: str = "resident_copy") -> str:
    holder = f"web:{session_id}"
    sent = office.identity.start(holder=holder, name="김해치", birth_date=date(1990, 1, 1))
    resident = office.identity.confirm(holder=holder, code=sent.code).resident_id
    issued = office.issue(
        holder=holder,
        channel="web",
        resident_id=resident,
        document_type=document,
        options={},
        purpose="bank",
        language="ko",
        request_id="r1",
    )
    return issued.item.id


def _verify(app: StaffApp, **body: Any) -> dict[str, Any]:
    response = app.client.post("/api/v1/credentials/verify", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def _failed(result: dict[str, Any]) -> list[str]:
    return [check["name"] for check in result["checks"] if not check["ok"]]


def test_the_holder_reads_the_wallet_and_no_one_else_does(staff_app: StaffApp) -> None:
    office = _office(staff_app)
    mine, my_secret = _session(staff_app)
    theirs, their_secret = _session(staff_app)
    credential_id = _issue(office, mine)
    client = staff_app.client

    listed = client.get(
        "/api/v1/wallet/credentials", params={"session_id": mine}, headers=my_secret
    )
    assert listed.status_code == 200
    [item] = listed.json()
    assert {"id", "document_type", "format", "credential", "pdf_url"} <= set(item)
    assert item["id"] == credential_id and item["format"] == "vc+jwt"
    assert item["document_type"] == "resident_copy"
    one = client.get(
        f"/api/v1/wallet/credentials/{credential_id}",
        params={"session_id": mine},
        headers=my_secret,
    )
    assert one.status_code == 200 and one.json()["credential"] == item["credential"]
    pdf = client.get(
        f"/api/v1/wallet/credentials/{credential_id}/pdf",
        params={"session_id": mine},
        headers=my_secret,
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    assert item["pdf_url"].endswith(f"/api/v1/wallet/credentials/{credential_id}/pdf")

    # Outsiders: no secret, another conversation's secret, their own wallet.
    assert client.get("/api/v1/wallet/credentials").status_code == 401
    assert client.get("/api/v1/wallet/credentials", params={"session_id": mine}).status_code == 403
    assert (
        client.get(
            "/api/v1/wallet/credentials", params={"session_id": mine}, headers=their_secret
        ).status_code
        == 403
    )
    theirs_list = client.get(
        "/api/v1/wallet/credentials", params={"session_id": theirs}, headers=their_secret
    )
    assert theirs_list.status_code == 200 and theirs_list.json() == []
    for path in (
        f"/api/v1/wallet/credentials/{credential_id}",
        f"/api/v1/wallet/credentials/{credential_id}/pdf",
    ):
        response = client.get(path, params={"session_id": theirs}, headers=their_secret)
        assert response.status_code == 404
    steal = client.post(
        "/api/v1/wallet/presentations",
        params={"session_id": theirs},
        headers=their_secret,
        json={"credential_id": credential_id, "challenge": "c-12345678", "domain": "x"},
    )
    assert steal.status_code == 404


def test_verification_in_public_names_each_check(staff_app: StaffApp) -> None:
    office = _office(staff_app)
    session_id, secret = _session(staff_app)
    credential_id = _issue(office, session_id, "vaccination")
    client = staff_app.client
    token = client.get(
        f"/api/v1/wallet/credentials/{credential_id}",
        params={"session_id": session_id},
        headers=secret,
    ).json()["credential"]
    pdf = client.get(
        f"/api/v1/wallet/credentials/{credential_id}/pdf",
        params={"session_id": session_id},
        headers=secret,
    ).content

    good = _verify(staff_app, credential=token)
    assert good["verified"] and good["document_type"] == "vaccination"
    assert [check["name"] for check in good["checks"]] == [
        "format",
        "issuer",
        "signature",
        "validity",
        "status",
    ]
    assert _verify(staff_app, credential_id=credential_id)["verified"]
    with_pdf = _verify(staff_app, credential=token, pdf=base64.b64encode(pdf).decode())
    assert with_pdf["verified"] and with_pdf["checks"][-1]["name"] == "pdf_digest"
    altered = base64.b64encode(pdf.replace(b"/Title", b"/Title ", 1)).decode()
    assert _failed(_verify(staff_app, pdf=altered)) == ["pdf_digest"]
    header, payload, signature = token.split(".")
    assert _failed(_verify(staff_app, credential=f"{header}.{payload[:-4]}AAAA.{signature}")) in (
        ["signature"],
        ["format"],
    )
    assert _failed(_verify(staff_app, credential="not a credential")) == ["format"]
    assert not _verify(staff_app, credential_id="00000000-0000-0000-0000-000000000000")["verified"]

    # A presentation, bound to the verifier's challenge and domain.
    made = client.post(
        "/api/v1/wallet/presentations",
        params={"session_id": session_id},
        headers=secret,
        json={
            "credential_id": credential_id,
            "challenge": "bank-nonce-1",
            "domain": "bank.example",
        },
    )
    assert made.status_code == 200
    vp = made.json()["presentation"]
    assert unverified_parts(vp)[0]["typ"] == "vp+jwt"
    assert _verify(staff_app, presentation=vp, challenge="bank-nonce-1", domain="bank.example")[
        "verified"
    ]
    assert _failed(
        _verify(staff_app, presentation=vp, challenge="bank-nonce-2", domain="bank.example")
    ) == ["challenge"]

    for bad in (
        {},
        {"presentation": vp},
        {"pdf": "%%%"},
        {"pdf": base64.b64encode(b"hi").decode()},
        {"credential": "x", "surprise": 1},
    ):
        assert client.post("/api/v1/credentials/verify", json=bad).status_code == 422


def test_staff_revoke_and_the_status_list_shows_it(staff_app: StaffApp) -> None:
    office = _office(staff_app)
    session_id, _ = _session(staff_app)
    credential_id = _issue(office, session_id, "military_service")
    client = staff_app.client
    path = f"/api/v1/staff/credentials/{credential_id}/revoke"
    assert client.post(path).status_code == 401
    assert client.post(path, headers=staff_app.as_role("editor")).status_code == 403
    assert (
        client.post(
            "/api/v1/staff/credentials/nope/revoke", headers=staff_app.as_role("admin")
        ).status_code
        == 404
    )
    done = client.post(path, headers=staff_app.as_role("counsellor"), json={"reason": "오발급"})
    assert done.status_code == 200 and done.json() == {"id": credential_id, "revoked": True}
    assert client.post(path, headers=staff_app.as_role("reviewer")).status_code == 200
    result = _verify(staff_app, credential_id=credential_id)
    assert _failed(result) == ["status"]

    status = client.get("/credentials/status/1")
    assert status.status_code == 200
    assert status.headers["content-type"].startswith("application/vc+jwt")
    assert unverified_parts(status.text)[1]["credentialSubject"]["type"] == "BitstringStatusList"
    assert client.get("/credentials/status/9").status_code == 404
    did = client.get("/.well-known/did.json").json()
    assert did["id"] == office.keys.did
    assert did["assertionMethod"] == [method["id"] for method in did["verificationMethod"]]
    page = client.get("/verify")
    assert page.status_code == 200 and "전자증명서 진위 확인" in page.text
