"""Every portal page × every persona, generated from the URL configuration.

The URL list comes from ``get_resolver()`` (admin, API, i18n and static routes aside), so a
new page is crawled the day it is added; a pattern without sample arguments in ``SAMPLES``
fails ``test_every_portal_url_has_sample_arguments``. For each persona:

* a GET never answers 5xx;
* a page about an object the persona may not see (``visible_to(user)``, the one home of the
  rule) answers 403, 404 or a redirect to the login, and never shows the object's text;
* a POST to an action on such an object changes nothing in the database.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.models import ExportJob
from members import roles
from tests.factories import (
    AllianceFactory,
    CommitmentFactory,
    ContactFactory,
    DealFactory,
    FundFactory,
    MembershipFactory,
    MilestoneFactory,
    OrganizationFactory,
    ProductFactory,
    ProjectFactory,
    UserFactory,
    member_achievement,
)

pytestmark = pytest.mark.django_db

SKIPPED_PREFIXES = ("admin/", "api/", "i18n/", "static/", "media/")
PERSONAS = [
    "anonymous",
    "institute_a",
    "institute_b",
    "enterprise",
    "other_fund_manager",
    "other_secretariat",
    "analyst",
]


def portal_patterns() -> list[tuple[str, str]]:
    """(route, name) of every non-admin, non-API URL pattern."""

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), namespace + (pattern.name or "")

    return [
        (route, name)
        for route, name in walk(get_resolver().url_patterns)
        if not route.startswith(SKIPPED_PREFIXES)
    ]


# name -> (kwargs from the world, the object whose visibility governs the page, or None for
# pages without an object). Objects are keys of the ``world`` fixture.
SAMPLES: dict[str, tuple[dict, str | None]] = {
    "home": ({}, None),
    "members:alliance": ({"slug": "alliance"}, None),
    "members:apply_to": ({"slug": "alliance"}, None),
    "members:organization": ({"pk": "institute"}, None),
    "members:apply": ({}, None),
    "members:apply_done": ({}, None),
    "projects:catalogue": ({}, None),
    "projects:achievement": ({"pk": "draft"}, "draft"),
    "projects:achievement_review": ({"pk": "draft"}, "draft"),
    "projects:attachment": ({"pk": "draft", "attachment": "attachment"}, "draft"),
    "projects:mine": ({}, None),
    "projects:achievement_new": ({}, None),
    "projects:achievement_edit": ({"pk": "draft"}, "draft"),
    "projects:achievement_delete": ({"pk": "draft"}, "draft"),
    "projects:attachment_delete": ({"pk": "draft", "attachment": "attachment"}, "draft"),
    "projects:review_queue": ({}, None),
    "projects:canal": ({"pk": "draft"}, "draft"),
    "projects:project_new": ({"achievement_pk": "draft"}, "draft"),
    "projects:projects": ({}, None),
    "projects:project": ({"pk": "project"}, "project"),
    "projects:project_move": ({"pk": "project"}, "project"),
    "projects:milestone_add": ({"pk": "project"}, "project"),
    "projects:milestone_done": ({"pk": "project", "milestone": "milestone"}, "project"),
    "projects:product_add": ({"pk": "project"}, "project"),
    "projects:overdue_milestones": ({}, None),
    "funds:funds": ({}, None),
    "funds:fund": ({"pk": "fund"}, "fund"),
    "funds:call_create": ({"pk": "fund"}, "fund"),
    "funds:board": ({"pk": "fund"}, "fund"),
    "funds:deals": ({"pk": "fund"}, "fund"),
    "funds:deal_create": ({"pk": "fund"}, "fund"),
    "funds:call": ({"pk": "call"}, "call"),
    "funds:payment": ({"pk": "call", "allocation": "allocation"}, "call"),
    "funds:call_notice": ({"pk": "call", "allocation": "allocation"}, "call"),
    "funds:call_notice_pdf": ({"pk": "call", "allocation": "allocation"}, "call"),
    "funds:statement": ({"pk": "fund", "partner_id": "partner"}, "fund"),
    "funds:statement_pdf": ({"pk": "fund", "partner_id": "partner"}, "fund"),
    "funds:report": ({"pk": "fund", "year": "=2024", "quarter": "=1"}, "fund"),
    "funds:report_pdf": ({"pk": "fund", "year": "=2024", "quarter": "=1"}, "fund"),
    "funds:deal_reopen": ({"pk": "deal"}, "deal"),
    "members:apply_status": ({"token": "=no-such-status-token"}, None),
    "export_job": ({"pk": "export_job"}, "export_job"),
    "export_job_status": ({"pk": "export_job"}, "export_job"),
    "export_job_download": ({"pk": "export_job"}, "export_job"),
    "import_job_confirm": ({"pk": "export_job"}, "export_job"),
    "funds:deal": ({"pk": "deal"}, "deal"),
    "funds:deal_move": ({"pk": "deal"}, "deal"),
    "funds:review_add": ({"pk": "deal"}, "deal"),
    "funds:decision_add": ({"pk": "deal"}, "deal"),
    "funds:investment_add": ({"pk": "deal"}, "deal"),
    "funds:valuation_add": ({"pk": "investment"}, "investment"),
    "funds:exit_add": ({"pk": "investment"}, "investment"),
    "funds:project_refer": ({"pk": "project"}, "project"),
    "login": ({}, None),
    "logout": ({}, None),
    "healthz": ({}, None),
    "canal": ({}, None),
    "holding": ({}, None),
    "organization_roles": ({}, None),
    "import_substitution": ({}, None),
}

# Text that only a page about the object shows.
SECRETS = {
    "draft": "草稿机密XQ7",
    "project": "项目机密XQ7",
    "fund": "基金机密XQ7",
    "call": "催缴机密XQ7",
    "deal": "交易机密XQ7",
    "investment": "交易机密XQ7",
    "export_job": "导出机密XQ7",
}

# Plausible values for every action form, so that a missing rights check would let the
# POST through rather than fail on validation.
ACTION_BODY = {
    "stage": "industrialization",
    "comment": "爬虫",
    "decision": "accept",
    "title": "爬虫",
    "due_on": "2030-01-01",
    "name": "爬虫产品",
    "amount": "1000.00",
    "call_date": "2025-01-01",
    "due_date": "2025-02-01",
    "paid_amount": "10.00",
    "paid_on": "2025-01-15",
    "meeting_date": "2025-01-01",
    "votes_for": "5",
    "votes_against": "0",
    "votes_abstain": "0",
    "invested_on": "2025-01-01",
    "instrument": "equity",
    "valued_on": "2025-06-01",
    "value": "2000.00",
    "method": "recent_round",
    "exited_on": "2025-06-01",
    "kind": "trade_sale",
    "proceeds": "3000.00",
    "fund": "",
    "company": "",
    "requested_amount": "1000.00",
    "summary": "爬虫",
    "field": "other",
}


@pytest.fixture
def world(db):
    alliance = AllianceFactory(slug="alliance")
    institute = OrganizationFactory(name="研究所甲")
    MembershipFactory(alliance=alliance, organization=institute)
    enterprise = OrganizationFactory(name="企业甲", kind="enterprise")
    MembershipFactory(alliance=alliance, organization=enterprise)
    other_alliance = AllianceFactory(slug="other")
    institute_b = OrganizationFactory(name="研究所乙")
    MembershipFactory(alliance=other_alliance, organization=institute_b)
    enterprise_b = OrganizationFactory(name="企业乙", kind="enterprise")
    MembershipFactory(alliance=other_alliance, organization=enterprise_b)

    draft = member_achievement(institute, alliance, title=SECRETS["draft"])
    attachment = draft.attachments.create(
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="secret.pdf"),
        name="secret.pdf",
        content_type="application/pdf",
        size=15,
    )
    accepted = member_achievement(institute, alliance, status="accepted", is_confidential=True)
    project = ProjectFactory(achievement=accepted, enterprise=enterprise, title=SECRETS["project"])
    milestone = MilestoneFactory(project=project)
    ProductFactory(project=project, enterprise=enterprise)

    manager = UserFactory(username="crawl_mgr", groups=[roles.FUND_MANAGER])
    fund = FundFactory(name=SECRETS["fund"], team=[manager])
    partner = OrganizationFactory(name="出资人", kind="investor")
    CommitmentFactory(fund=fund, limited_partner=partner, amount=Decimal("1000000.00"))
    from funds import services as fund_services

    call = fund_services.capital_call_create(
        fund=fund,
        actor=manager,
        amount=Decimal("1000.00"),
        call_date=datetime.date(2025, 1, 1),
        due_date=datetime.date(2025, 2, 1),
        purpose=SECRETS["call"],
    )
    deal = DealFactory(
        fund=fund,
        owner=manager,
        stage="approved",
        company=OrganizationFactory(name=SECRETS["deal"], kind="enterprise"),
    )
    from funds.models import Investment

    investment = Investment.objects.create(
        deal=deal, fund=fund, amount=Decimal("1000.00"), invested_on=datetime.date(2025, 1, 1)
    )

    other_manager = UserFactory(username="crawl_other_mgr", groups=[roles.FUND_MANAGER])
    FundFactory(name="另一基金", team=[other_manager])
    users = {
        "anonymous": AnonymousUser(),
        "institute_a": UserFactory(username="crawl_a", groups=[roles.INSTITUTE_SUBMITTER]),
        "institute_b": UserFactory(username="crawl_b", groups=[roles.INSTITUTE_SUBMITTER]),
        "enterprise": UserFactory(username="crawl_ent"),
        "other_fund_manager": other_manager,
        "other_secretariat": UserFactory(
            username="crawl_sec", is_staff=True, groups=[roles.SECRETARIAT]
        ),
        "analyst": UserFactory(username="crawl_analyst", groups=[roles.HOLDING_ANALYST]),
    }
    ContactFactory(organization=institute, user=users["institute_a"])
    ContactFactory(organization=institute_b, user=users["institute_b"])
    ContactFactory(organization=enterprise_b, user=users["enterprise"])
    other_alliance.secretariat.add(users["other_secretariat"])
    objects = {
        "alliance": alliance,
        "institute": institute,
        "draft": draft,
        "attachment": attachment,
        "project": project,
        "milestone": milestone,
        "fund": fund,
        "call": call,
        "allocation": call.allocations.first(),
        "partner": call.allocations.first().limited_partner,
        "export_job": ExportJob.objects.create(
            requested_by=UserFactory(username="job_owner"),
            kind="funds.deals",
            title=SECRETS["export_job"],
            format="csv",
            params={"fund": fund.pk, "query": ""},
            language="zh-hans",
            expires=datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC),
        ),
        "deal": deal,
        "investment": investment,
    }
    return objects, users


def _url(name, world_objects):
    kwargs, _governing = SAMPLES[name]
    values = {
        key: (
            ref[1:]  # "=value": a literal, not an object of the world
            if ref.startswith("=")
            else world_objects[ref].slug
            if key == "slug"
            else world_objects[ref].pk
        )
        for key, ref in kwargs.items()
    }
    return reverse(name, kwargs=values)


def _hidden_from(user, obj) -> bool:
    """The page's object is outside what the user may see (the models' rule)."""
    return not type(obj)._default_manager.visible_to(user).filter(pk=obj.pk).exists()


def _refused(response) -> bool:
    if response.status_code in (403, 404, 405):  # 405: an action answers only POST
        return True
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


def _fingerprint():
    from django.apps import apps

    state = []
    for model in apps.get_models():
        if model._meta.app_label not in ("members", "projects", "funds"):
            continue
        rows = model._default_manager.order_by("pk").values_list("pk", flat=True)
        state.append((model._meta.label, rows.count(), list(rows)[-3:]))
        fields = [f.name for f in model._meta.concrete_fields if f.name in ("status", "stage")]
        if fields:
            state.append(list(model._default_manager.order_by("pk").values_list(*fields)))
    return state


def test_every_portal_url_has_sample_arguments():
    missing = [name for _route, name in portal_patterns() if name not in SAMPLES]
    assert missing == [], f"add sample arguments to SAMPLES for {missing}"


def test_the_samples_name_only_existing_patterns():
    names = {name for _route, name in portal_patterns()}
    assert set(SAMPLES) - names == set()


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_answers_and_hides_what_the_persona_may_not_see(client, world, persona):
    objects, users = world
    user = users[persona]
    if user.is_authenticated:
        client.force_login(user)
    problems = []
    for _route, name in portal_patterns():
        url = _url(name, objects)
        if name == "logout":
            continue  # a GET is refused by design and would end the session
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"GET {url}: {response.status_code}")
            continue
        governing = SAMPLES[name][1]
        if governing is None:
            continue
        obj = objects[governing]
        if _hidden_from(user, obj):
            body = b"".join(response) if response.streaming else response.content
            if not _refused(response):
                problems.append(f"GET {url}: {response.status_code}, not refused")
            if SECRETS[governing].encode() in body:
                problems.append(f"GET {url}: shows {SECRETS[governing]}")
    assert problems == [], "\n".join([persona, *problems])


@pytest.mark.parametrize("persona", PERSONAS)
def test_actions_on_hidden_objects_change_nothing(client, world, persona):
    objects, users = world
    user = users[persona]
    if user.is_authenticated:
        client.force_login(user)
    body = {**ACTION_BODY, f"d{objects['deal'].pk}-stage": "screening"}
    problems = []
    for _route, name in portal_patterns():
        governing = SAMPLES[name][1]
        if governing is None or not _hidden_from(user, objects[governing]):
            continue
        url = _url(name, objects)
        before = _fingerprint()
        response = client.post(url, body)
        if response.status_code >= 500:
            problems.append(f"POST {url}: {response.status_code}")
        if _fingerprint() != before:
            problems.append(f"POST {url}: changed the database")
    assert problems == [], "\n".join([persona, *problems])


def test_the_action_body_does_change_things_for_those_with_the_right(client, world):
    """The control: the same body, posted by the fund's own manager, moves the deal — so
    "nothing changed" above means the rights check said no, not the form."""
    objects, _users = world
    deal = objects["deal"]
    client.force_login(deal.fund.team.get())
    body = {**ACTION_BODY, f"d{deal.pk}-stage": "on_hold", f"d{deal.pk}-comment": "暂缓"}
    before = _fingerprint()
    client.post(_url("funds:deal_move", objects), body)
    assert _fingerprint() != before
