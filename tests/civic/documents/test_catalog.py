"""The catalog of the seven documents: complete, checked, and readable from text."""

from __future__ import annotations

from pathlib import Path

import pytest

from civic.documents.catalog import CATALOG_FILE, CatalogError, catalog, read_catalog

SEVEN = {
    "resident_copy": "주민등록표 등본",
    "resident_abstract": "주민등록표 초본",
    "health_insurance_payment": "건강보험료 납부확인서",
    "health_insurance_eligibility": "건강보험 자격득실확인서",
    "vaccination": "예방접종증명서",
    "immigration_record": "출입국에 관한 사실증명",
    "military_service": "병적증명서",
}


def test_the_catalog_has_the_seven_documents_with_what_a_citizen_needs_to_know() -> None:
    documents = catalog().documents
    assert {document.type: document.name("ko") for document in documents} == SEVEN
    for document in documents:
        assert document.fee_online_krw == 0
        assert document.validity_days > 0
        assert document.source.startswith("https://")
        assert document.authority["ko"] and document.authority["en"]
        assert document.requesters["ko"] and document.requesters["en"]
        assert document.options, document.type
        for option in document.options:
            assert option.choice(option.default) is not None
    copy = catalog().get("resident_copy")
    assert [option.key for option in copy.options] == ["past_addresses", "member_numbers"]
    assert copy.default_options() == {"past_addresses": "no", "member_numbers": "masked"}
    assert [option.key for option in catalog().get("resident_abstract").options][0] == (
        "address_history"
    )
    assert {purpose.value for purpose in catalog().purposes} >= {"employer", "bank"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("등본 떼고 싶어요", "resident_copy"),
        ("주민등록표 초본 주세요", "resident_abstract"),
        ("초본", "resident_abstract"),
        ("회사에 낼 건강보험료 납부확인서", "health_insurance_payment"),
        ("자격득실확인서 필요해요", "health_insurance_eligibility"),
        ("I need a vaccination certificate", "vaccination"),
        ("출입국 사실증명 발급", "immigration_record"),
        ("병적증명서", "military_service"),
        ("가족관계증명서", None),
        ("안녕하세요", None),
    ],
)
def test_find_reads_the_document_a_phrase_names(text: str, expected: str | None) -> None:
    found = catalog().find(text)
    assert (found.type if found else None) == expected


def test_options_are_checked_and_defaults_fill_the_rest() -> None:
    copy = catalog().get("resident_copy")
    assert copy.check_options({"past_addresses": "yes"}) == {
        "past_addresses": "yes",
        "member_numbers": "masked",
    }
    with pytest.raises(ValueError, match="no option"):
        copy.check_options({"colour": "red"})
    with pytest.raises(ValueError, match="no choice"):
        copy.check_options({"past_addresses": "maybe"})


def test_a_malformed_catalog_is_refused_naming_the_field(tmp_path: Path) -> None:
    text = CATALOG_FILE.read_text(encoding="utf-8")
    broken = tmp_path / "catalog.yml"
    broken.write_text(
        text.replace("online_krw: 0, in_person_krw: 400", "online_krw: 500, in_person_krw: 400", 1),
        encoding="utf-8",
    )
    with pytest.raises(CatalogError, match="resident_copy: online issuance is free"):
        read_catalog(broken)
    broken.write_text(text.replace("registry: immunisation", "registry: nowhere"), encoding="utf-8")
    with pytest.raises(CatalogError, match="vaccination.registry"):
        read_catalog(broken)
