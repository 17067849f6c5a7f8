"""Generated requests to every operation of /api/schema/, as each persona.

schemathesis reads the OpenAPI schema drf-spectacular serves and sends each operation
generated parameters and bodies (valid and invalid) through the WSGI application, with each
persona's token. Every answer must be no 5xx and must match the schema's response for its
status. The seed is fixed (derandomize) so that a failure is the same on every run.
"""

from __future__ import annotations

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import response_schema_conformance

from members import roles
from tests.factories import (
    AllianceFactory,
    ContactFactory,
    DealFactory,
    FundFactory,
    MembershipFactory,
    OrganizationFactory,
    ProjectFactory,
    UserFactory,
    member_achievement,
)

PERSONAS = ["anonymous", "institute", "secretariat", "fund_manager", "analyst"]
MAX_EXAMPLES = 4


def _openapi() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


# Read at collection time, so that each operation is a test of its own. The coverage phase
# (every boundary of every field) would take far longer than the suite allows; the examples
# and the seeded fuzzing run.
schema = schemathesis.openapi.from_dict(
    _openapi(),
    config=SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}}),
)


@pytest.fixture
def wsgi_app(db):
    """The Django application inside the test's transaction.

    The handler would close the connection at each request's start and end (it is in a
    transaction, so it looks stale); Django's own test client unhooks the same signals.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(params=PERSONAS)
def persona(request):
    return request.param


@pytest.fixture
def persona_headers(db, persona):
    """A small world (alliance, institute, achievement, project, fund, deal) and the token
    header of the persona named by the test's ``persona`` parameter."""
    alliance = AllianceFactory(slug="generated")
    institute = OrganizationFactory(kind="institute")
    MembershipFactory(alliance=alliance, organization=institute)
    enterprise = OrganizationFactory(kind="enterprise")
    MembershipFactory(alliance=alliance, organization=enterprise)
    achievement = member_achievement(institute, alliance, status="accepted")
    member_achievement(institute, alliance)
    project = ProjectFactory(achievement=achievement, enterprise=enterprise)
    users = {
        "institute": UserFactory(username="gen_inst", groups=[roles.INSTITUTE_SUBMITTER]),
        "secretariat": UserFactory(username="gen_sec", is_staff=True, groups=[roles.SECRETARIAT]),
        "fund_manager": UserFactory(username="gen_fund", groups=[roles.FUND_MANAGER]),
        "analyst": UserFactory(username="gen_analyst", groups=[roles.HOLDING_ANALYST]),
    }
    ContactFactory(organization=institute, user=users["institute"])
    alliance.secretariat.add(users["secretariat"])
    fund = FundFactory(team=[users["fund_manager"]])
    DealFactory(fund=fund, owner=users["fund_manager"], project=project)
    if persona == "anonymous":
        return {}
    token = Token.objects.create(user=users[persona])
    return {"Authorization": f"Token {token.key}"}


@schema.parametrize()
@hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_every_operation_answers_without_5xx_and_as_the_schema_says(
    case, persona_headers, wsgi_app
):
    case.call_and_validate(
        app=wsgi_app,
        headers=persona_headers,
        checks=[not_a_server_error, response_schema_conformance],
    )
