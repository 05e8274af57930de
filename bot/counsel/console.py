"""/staff/counsel: the counsellor console page (staff login, role counsellor or admin).

The page is server-rendered like the rest of the console; its script (static/counsel.js) talks
to /api/v1/counsel and to the live line at /ws/counsel.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse

from bot.staff.console import PageStaff, render
from civic.counsel.queue import CATEGORIES
from knowledge.review import can

SCRIPT = Path(__file__).parent / "static" / "counsel.js"

router = APIRouter(prefix="/staff/counsel", include_in_schema=False)

CATEGORY_NAMES = {
    "tax": {"ko": "세금", "en": "Tax"},
    "documents": {"ko": "증명서·민원서류", "en": "Documents"},
    "transport": {"ko": "교통", "en": "Transport"},
    "welfare": {"ko": "복지", "en": "Welfare"},
    "housing": {"ko": "주택", "en": "Housing"},
    "environment": {"ko": "환경·생활", "en": "Environment"},
    "complaint": {"ko": "불편·불만", "en": "Complaint"},
    "other": {"ko": "기타", "en": "Other"},
}


@router.get("", response_class=HTMLResponse)
def counsel_page(request: Request, identity: PageStaff) -> HTMLResponse:
    if not can(identity, "counsel"):
        return render(
            request,
            "error.html",
            identity,
            403,
            error="counsellors and admins only / 상담사만 사용할 수 있습니다",
        )
    language = request.query_params.get("lang") or request.cookies.get("haechi_staff_lang")
    lang = "en" if language == "en" else "ko"
    return render(
        request,
        "counsel.html",
        identity,
        categories=[(key, CATEGORY_NAMES[key][lang]) for key in CATEGORIES],
    )


@router.get("/counsel.js")
def counsel_script() -> FileResponse:
    return FileResponse(SCRIPT, media_type="text/javascript; charset=utf-8")
