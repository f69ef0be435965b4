"""Work reports of ../shared/years (eight provinces, 2025 Word files and 2026
texts, some saved from web pages): each report's figures belong to its own
province, named as the report names it."""
from collections import Counter

import pytest

from conftest import SHARED
from policycli import extract_file
from policycli.packs import default_packs

YEARS = SHARED / "years"
REPORTS = sorted(YEARS.glob("*-gwr-*.*")) if YEARS.is_dir() else []
pytestmark = pytest.mark.skipif(not REPORTS, reason="../shared/years is not present")


@pytest.fixture(scope="module")
def subjects() -> dict[str, Counter]:
    return {p.name: Counter(r.subject for r in extract_file(p)) for p in REPORTS}


def test_every_report_has_its_own_jurisdiction(subjects):
    """The subject most records carry names a particular place: not a level
    alone (自治区人民政府), not the byline's meeting, and one per province."""
    generic = set(default_packs().generic_places)
    provinces: dict[str, str] = {}
    for name, counts in subjects.items():
        subject, _ = counts.most_common(1)[0]
        assert subject and subject not in generic, (name, subject)
        assert "人民政府" not in subject and "大会" not in subject and "会议" not in subject, (name, subject)
        provinces.setdefault(name.split("-")[0], subject)
        assert provinces[name.split("-")[0]] == subject, (name, subject, provinces)
    assert len(set(provinces.values())) == len(provinces)


def test_both_years_of_a_province_agree_and_few_records_leave_it(subjects):
    """Another subject takes over only where another body is named: at least
    nine records in ten of each report stay with its jurisdiction."""
    for name, counts in subjects.items():
        subject, n = counts.most_common(1)[0]
        assert n >= 0.9 * sum(counts.values()), (name, counts.most_common(4))
