"""The public /verify page in Debian's headless Chromium: the QR code's link, a pasted
credential, an uploaded PDF and an altered one, in Korean and English, checked by axe-core."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from civic.documents.office import DocumentOffice, WalletItem
from civic.documents.settings import DocumentSettings
from knowledge.database import make_engine
from tests.browser.axe import assert_accessible
from tests.browser.chromium import SCREENSHOTS, launch_chromium
from tests.stack import RunningStack

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def issued(
    stack: RunningStack, tmp_path_factory: pytest.TempPathFactory
) -> tuple[WalletItem, Path]:
    """A credential issued by an office sharing the stack's data folder (as the action server
    does), and its PDF written to a file to upload."""
    data_dir = stack.log_path.parent
    settings = DocumentSettings(data_dir=data_dir, public_url=stack.gateway_url)
    office = DocumentOffice(make_engine(f"sqlite:///{data_dir / 'haechi.db'}"), settings)
    holder = "telegram:verify-page"
    sent = office.identity.start(holder=holder, name="김해치", birth_date=date(1990, 1, 1))
    resident = office.identity.confirm(holder=holder, code=sent.code).resident_id
    item = office.issue(
        holder=holder,
        channel="telegram",
        resident_id=resident,
        document_type="health_insurance_eligibility",
        options={},
        purpose="employer",
        language="ko",
        request_id="verify-page",
    ).item
    pdf = office.pdf({office.holder_hash(holder)}, item.id)
    assert pdf is not None
    folder = tmp_path_factory.mktemp("pdf")
    (folder / "genuine.pdf").write_bytes(pdf)
    (folder / "altered.pdf").write_bytes(pdf.replace(b"/Title", b"/Title ", 1))
    return item, folder


def test_the_qr_link_paste_and_pdf_upload_verify(
    browser: Browser, stack: RunningStack, issued: tuple[WalletItem, Path]
) -> None:
    item, folder = issued
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="ko-KR")
    page.goto(f"{stack.gateway_url}/verify?id={item.id}")  # what the PDF's QR code opens
    result = page.locator("#result")
    expect(page.locator("#result-title")).to_have_text("진본입니다", timeout=30_000)
    expect(result).to_have_attribute("data-verified", "true")
    expect(page.locator("#checks li")).to_have_count(5)
    expect(page.locator('#checks li[data-check="status"]')).to_have_attribute("data-ok", "true")
    assert_accessible(page, "/verify with a result")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "verify-ko.png"), full_page=True)

    page.fill("#credential", item.credential)
    page.click("#check-pasted")
    expect(page.locator('#checks li[data-check="signature"]')).to_have_attribute(
        "data-ok", "true", timeout=30_000
    )
    expect(result).to_have_attribute("data-verified", "true")

    page.set_input_files("#pdf", str(folder / "genuine.pdf"))
    expect(page.locator('#checks li[data-check="pdf_digest"]')).to_have_attribute(
        "data-ok", "true", timeout=30_000
    )
    page.set_input_files("#pdf", str(folder / "altered.pdf"))
    expect(page.locator('#checks li[data-check="pdf_digest"]')).to_have_attribute(
        "data-ok", "false", timeout=30_000
    )
    expect(page.locator("#result-title")).to_have_text("확인되지 않았습니다")
    page.close()


def test_english_and_a_forged_credential(
    browser: Browser, stack: RunningStack, issued: tuple[WalletItem, Path]
) -> None:
    item, _ = issued
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    page.goto(f"{stack.gateway_url}/verify")
    page.click('[data-lang="en"]')
    expect(page.locator("h1")).to_have_text("Check a digital certificate")
    header, payload, signature = item.credential.split(".")
    page.fill("#credential", f"{header}.{payload[:-6]}AAAAAA.{signature}")
    page.click("#check-pasted")
    expect(page.locator("#result-title")).to_have_text("Not verified", timeout=30_000)
    assert_accessible(page, "/verify in English")
    page.close()
