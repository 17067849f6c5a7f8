import pytest

from tests.factories import member_achievement


@pytest.fixture
def draft_a(org_a, alliance_a):
    """A draft of institute A in alliance A."""
    return member_achievement(org_a, alliance_a)


@pytest.fixture
def submitted_a(org_a, alliance_a):
    return member_achievement(org_a, alliance_a, status="submitted")


@pytest.fixture
def accepted_a(org_a, alliance_a):
    return member_achievement(org_a, alliance_a, status="accepted")


@pytest.fixture
def pdf_bytes():
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
