"""Personas and shared fixtures.

Every persona is a user of a different role or organisation, so that each test can ask
"what does *this* person see?" from the outside.
"""

import os

import pytest
from django.conf import settings
from django.utils import translation
from rest_framework.test import APIClient

from members import roles
from tests.factories import (
    AllianceFactory,
    ContactFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    member_achievement,
)

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _role_groups(db):
    roles.ensure_role_groups()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request leaves the language that
    LocaleMiddleware activated for it active in the thread."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db):
    """Every test starts with empty rate-limit counters and no login lockout, so that the
    limits never leak from one test into the next."""
    from axes.utils import reset
    from django.core.cache import cache

    cache.clear()
    reset()


@pytest.fixture
def alliance_a():
    return AllianceFactory(name="先进材料联盟A", slug="alliance-a")


@pytest.fixture
def alliance_b():
    return AllianceFactory(name="洁净能源联盟B", slug="alliance-b")


@pytest.fixture
def org_a(alliance_a):
    """An institute that is a member of alliance A."""
    organization = OrganizationFactory(name="大连化学物理研究所A")
    MembershipFactory(alliance=alliance_a, organization=organization)
    return organization


@pytest.fixture
def org_b(alliance_b):
    """An institute that is a member of alliance B only."""
    organization = OrganizationFactory(name="长春应用化学研究所B")
    MembershipFactory(alliance=alliance_b, organization=organization)
    return organization


@pytest.fixture
def secretariat_a(alliance_a):
    user = UserFactory(username="sec_a", is_staff=True, groups=[roles.SECRETARIAT])
    alliance_a.secretariat.add(user)
    return user


@pytest.fixture
def secretariat_b(alliance_b):
    user = UserFactory(username="sec_b", is_staff=True, groups=[roles.SECRETARIAT])
    alliance_b.secretariat.add(user)
    return user


@pytest.fixture
def submitter_a(org_a):
    user = UserFactory(username="inst_a", groups=[roles.INSTITUTE_SUBMITTER])
    ContactFactory(organization=org_a, user=user)
    return user


@pytest.fixture
def submitter_b(org_b):
    user = UserFactory(username="inst_b", groups=[roles.INSTITUTE_SUBMITTER])
    ContactFactory(organization=org_b, user=user)
    return user


@pytest.fixture
def analyst():
    return UserFactory(username="analyst", groups=[roles.HOLDING_ANALYST])


@pytest.fixture
def fund_manager():
    return UserFactory(username="fundmgr", groups=[roles.FUND_MANAGER])


@pytest.fixture
def outsider():
    return UserFactory(username="outsider")


@pytest.fixture
def superuser():
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def api():
    """An API client; ``api.as_user(user)`` authenticates it."""

    class Client(APIClient):
        def as_user(self, user):
            self.force_authenticate(user)
            return self

    return Client()


# --- Achievements and projects ----------------------------------------------------------


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
    """A real one-page PDF: attachments are parsed, so a bare header no longer passes."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture
def enterprise_a(alliance_a):
    """An enterprise that is a member of alliance A."""
    from tests.factories import MembershipFactory, OrganizationFactory

    organization = OrganizationFactory(name="联泓新材料A", kind="enterprise")
    MembershipFactory(alliance=alliance_a, organization=organization)
    return organization


@pytest.fixture
def enterprise_user(enterprise_a):
    from tests.factories import ContactFactory, UserFactory

    user = UserFactory(username="ent_a")
    ContactFactory(organization=enterprise_a, user=user)
    return user


@pytest.fixture
def project_a(accepted_a, enterprise_a):
    from tests.factories import ProjectFactory

    return ProjectFactory(achievement=accepted_a, enterprise=enterprise_a)
