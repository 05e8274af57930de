"""The PDF rendering of a credential: the document's claims in Korean (or English), a QR code
that opens the verification page, and the credential id in the file's metadata.

fpdf2 embeds a subset of a Debian TrueType font (NanumGothic from fonts-nanum, `make` installs
it; Noto CJK's collection works too). The PDF's SHA-256 goes into the credential
(`relatedResource.digestSRI`), so the paper copy can be checked against the signed data.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import segno
from fpdf import FPDF

# fontTools reports every table it leaves out of a subset at WARNING; nothing to act on.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

FONT_CANDIDATES: tuple[tuple[Path, int], ...] = (
    (Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf"), 0),
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 1),  # 1: the KR face
    (Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"), 1),
)
ID_MARKER = "haechi-credential-id:"


class FontMissing(RuntimeError):
    """No Korean font is installed (`make documents` installs fonts-nanum)."""


def korean_font() -> tuple[Path, int]:
    for path, number in FONT_CANDIDATES:
        if path.exists():
            return path, number
    raise FontMissing(
        "no Korean font found; install Debian's fonts-nanum (make documents) / 한글 글꼴이 없습니다"
    )


def qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


_LABELS = {
    "name": {"ko": "성명", "en": "Name"},
    "birthDate": {"ko": "생년월일", "en": "Date of birth"},
    "registrationNumber": {"ko": "주민등록번호", "en": "Registration number"},
    "address": {"ko": "주소", "en": "Address"},
    "household": {"ko": "세대 구성", "en": "Household"},
    "relation": {"ko": "관계", "en": "Relation"},
    "addressHistory": {"ko": "주소 변동 이력", "en": "Address history"},
    "movedIn": {"ko": "전입일", "en": "Moved in"},
    "periodStart": {"ko": "기간 시작", "en": "From"},
    "periodEnd": {"ko": "기간 끝", "en": "To"},
    "monthsPaid": {"ko": "납부 개월 수", "en": "Months paid"},
    "totalPaidKrw": {"ko": "납부 총액(원)", "en": "Total paid (KRW)"},
    "arrearsKrw": {"ko": "체납액(원)", "en": "Arrears (KRW)"},
    "memberships": {"ko": "자격 이력", "en": "Memberships"},
    "vaccinations": {"ko": "접종 내역", "en": "Vaccinations"},
    "movements": {"ko": "출입국 내역", "en": "Departures and returns"},
    "enlisted": {"ko": "입영일", "en": "Enlisted"},
    "discharged": {"ko": "전역일", "en": "Discharged"},
    "discharge": {"ko": "전역 구분", "en": "Discharge"},
    "branch": {"ko": "군별", "en": "Branch"},
    "rank": {"ko": "계급", "en": "Rank"},
    "specialty": {"ko": "병과", "en": "Specialty"},
}


def _label(key: str, language: str) -> str:
    return _LABELS.get(key, {}).get(language, key)


def _lines(claims: dict[str, Any], language: str) -> Iterable[str]:
    for key, value in claims.items():
        if key in ("id", "type", "documentType"):
            continue
        if isinstance(value, list):
            yield f"{_label(key, language)}:"
            for item in value:
                if isinstance(item, dict):
                    yield "  - " + ", ".join(
                        f"{_label(k, language)} {v}" for k, v in item.items() if v is not None
                    )
                else:
                    yield f"  - {item}"
        else:
            yield f"{_label(key, language)}: {value}"


def render_pdf(
    *,
    credential_id: str,
    title: str,
    authority: str,
    claims: dict[str, Any],
    issued_at: datetime,
    valid_until: datetime,
    verify_url: str,
    language: str,
    demo: bool,
) -> bytes:
    """The PDF bytes; the same inputs give the same bytes (fixed creation date)."""
    font, number = korean_font()
    pdf = FPDF(format="A4")
    pdf.set_creation_date(issued_at)
    pdf.set_title(title)
    pdf.set_author(authority)
    pdf.set_subject(ID_MARKER + credential_id)
    pdf.set_keywords(credential_id)
    pdf.add_font("korean", fname=font, collection_font_number=number)
    pdf.add_page()
    pdf.set_font("korean", size=20)
    pdf.cell(0, 14, title, new_x="LMARGIN", new_y="NEXT", align="C")
    if demo:
        pdf.set_font("korean", size=11)
        pdf.set_text_color(180, 0, 0)
        note = (
            "데모 — 가상 인물의 견본입니다. 실제 증명서로 쓸 수 없습니다."
            if language == "ko"
            else "DEMO — a sample for an invented person. Not a real certificate."
        )
        pdf.cell(0, 8, note, new_x="LMARGIN", new_y="NEXT", align="C")
        pdf.set_text_color(0, 0, 0)
    pdf.ln(4)
    pdf.set_font("korean", size=11)
    for text in _lines(claims, language):
        pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    issued = "발급일" if language == "ko" else "Issued"
    until = "유효기간" if language == "ko" else "Valid until"
    by = "발급기관" if language == "ko" else "Issued by"
    pdf.multi_cell(0, 7, f"{by}: {authority}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 7, f"{issued}: {issued_at.date().isoformat()}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 7, f"{until}: {valid_until.date().isoformat()}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("korean", size=8)
    pdf.cell(0, 6, credential_id, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.image(io.BytesIO(qr_png(verify_url)), w=40, h=40)
    pdf.set_font("korean", size=9)
    scan = (
        "QR 코드를 찍거나 아래 주소에서 진위를 확인하세요."
        if language == "ko"
        else "Scan the QR code or open this address to check that it is genuine."
    )
    pdf.multi_cell(0, 5, f"{scan}\n{verify_url}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def credential_id_in_pdf(data: bytes) -> str | None:
    """The credential id a PDF names in its metadata (readable even when the PDF is altered)."""
    marker = ID_MARKER.encode()
    start = data.find(marker)
    if start < 0:
        return None
    end = data.find(b")", start)
    if end < 0:
        return None
    value = data[start + len(marker) : end].decode("ascii", errors="replace").strip()
    return value if value.startswith("urn:uuid:") and len(value) <= 64 else None
