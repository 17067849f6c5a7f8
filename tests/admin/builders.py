"""One object of alliance A for every model registered in the admin, with its secrets.

``BUILDERS`` maps each model to a function that returns a ``Target``: the object and the
texts that identify it (names, titles, confidential details) and must never reach a user
outside its scope. The crawler fails for a registered model without a builder here.

Every text is marked with 甲 (A) and unlikely to appear anywhere else on a page.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.db.models import Model
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from rest_framework.authtoken.models import Token, TokenProxy

from core.models import OutboxMessage
from core.notify import Party, notify_on_commit
from funds import services as fund_services
from funds.choices import DEFAULT_CRITERIA
from funds.models import (
    CapitalCall,
    CommitteeDecision,
    Deal,
    DealReview,
    Exit,
    Fund,
    HoldingInvestment,
    Investment,
    Payment,
    Valuation,
)
from members import services as member_services
from members.models import (
    Alliance,
    Contact,
    Membership,
    MembershipApplication,
    MembershipEvent,
    Organization,
)
from projects.models import Achievement, Product, Project
from tests.factories import (
    CommitmentFactory,
    ContactFactory,
    DealFactory,
    FundFactory,
    MembershipApplicationFactory,
    MembershipFactory,
    OrganizationFactory,
    ProductFactory,
    ProjectFactory,
    UserFactory,
    member_achievement,
)


@dataclass
class Target:
    obj: Model
    secrets: tuple[str, ...] = field(default_factory=tuple)


@dataclass
class WorldA:
    """Alliance A, its secretariat and the objects every builder hangs on."""

    alliance: Alliance
    secretariat: object
    institute: Organization
    enterprise: Organization
    built: dict = field(default_factory=dict)

    def get(self, model) -> Target:
        if model not in self.built:
            self.built[model] = BUILDERS[model](self)
        return self.built[model]


BUILDERS: dict[type[Model], Callable[[WorldA], Target]] = {}


def builds(model):
    def register(function):
        BUILDERS[model] = function
        return function

    return register


def make_world(alliance, secretariat) -> WorldA:
    institute = OrganizationFactory(name="甲研究所秘", name_en="Institute Alpha Secret")
    MembershipFactory(alliance=alliance, organization=institute)
    enterprise = OrganizationFactory(
        name="甲企业秘", name_en="Enterprise Alpha Secret", kind="enterprise"
    )
    MembershipFactory(alliance=alliance, organization=enterprise)
    return WorldA(alliance, secretariat, institute, enterprise)


# --- members ---------------------------------------------------------------------------------


@builds(Alliance)
def _alliance(world):
    # An English reader (the tests' language) reads its English name first.
    return Target(world.alliance, (world.alliance.display_name, world.alliance.name))


@builds(Organization)
def _organization(world):
    institute = world.institute
    return Target(institute, (institute.display_name, institute.name, institute.credit_code))


@builds(Membership)
def _membership(world):
    return Target(
        world.institute.memberships.get(), (world.institute.display_name, world.institute.name)
    )


@builds(Contact)
def _contact(world):
    contact = ContactFactory(
        organization=world.institute,
        name="甲联系人秘",
        email="alpha-liaison@example.cn",
        phone="13900000001",
    )
    return Target(contact, (contact.name, contact.email, contact.phone))


@builds(MembershipApplication)
def _application(world):
    application = MembershipApplicationFactory(
        alliance=world.alliance,
        organization_name="甲申请单位秘",
        contact_email="alpha-applicant@example.cn",
        motivation="甲申请动机秘",
    )
    return Target(application, ("甲申请单位秘", "alpha-applicant@example.cn", "甲申请动机秘"))


@builds(MembershipEvent)
def _membership_event(world):
    membership = MembershipFactory(
        alliance=world.alliance,
        organization=OrganizationFactory(name="甲暂停单位秘", name_en="Suspended Alpha Secret"),
    )
    member_services.membership_suspend(
        membership=membership, actor=world.secretariat, comment="甲暂停原因秘"
    )
    return Target(
        membership.events.get(), ("Suspended Alpha Secret", "甲暂停单位秘", "甲暂停原因秘")
    )


# --- projects --------------------------------------------------------------------------------


@builds(Achievement)
def _achievement(world):
    """A submitted achievement: the secretariat of A reviews it, nobody else sees it."""
    achievement = member_achievement(
        world.institute,
        world.alliance,
        status="submitted",
        title="甲成果秘",
        confidential_details="甲机密工艺参数秘",
        inventors=[("甲发明人秘", "100")],
        ip_items=[("CN-ALPHA-0001", "甲专利秘")],
    )
    # A second version, so that the history has a change to show.
    achievement.trl_justification = "甲中试说明秘"
    achievement.save()
    return Target(
        achievement,
        ("甲成果秘", "甲机密工艺参数秘", "甲发明人秘", "CN-ALPHA-0001", "甲专利秘", "甲中试说明秘"),
    )


def _accepted(world) -> Achievement:
    return member_achievement(
        world.institute, world.alliance, status="accepted", title="甲已受理成果秘"
    )


@builds(Project)
def _project(world):
    project = ProjectFactory(
        achievement=_accepted(world), enterprise=world.enterprise, title="甲项目秘"
    )
    return Target(project, ("甲项目秘", "甲已受理成果秘"))


@builds(Product)
def _product(world):
    project = world.get(Project).obj
    product = ProductFactory(project=project, name="甲产品秘", replaced_product="甲进口产品秘")
    return Target(product, ("甲产品秘", "甲进口产品秘"))


# --- funds -----------------------------------------------------------------------------------


def _fund_world(world):
    """A fund whose team holds one manager, with a commitment and a deal in screening."""
    if "fund" not in world.built:
        manager = UserFactory(username="alpha_manager")
        fund = FundFactory(name="甲基金秘", team=[manager])
        CommitmentFactory(fund=fund, amount=Decimal("1000000.00"))
        company = OrganizationFactory(name="甲被投企业秘", kind="enterprise")
        MembershipFactory(alliance=world.alliance, organization=company)
        deal = DealFactory(fund=fund, owner=manager, company=company, stage="screening")
        world.built["fund"] = (fund, manager, deal)
    return world.built["fund"]


@builds(Fund)
def _fund(world):
    fund, _manager, _deal = _fund_world(world)
    return Target(fund, ("甲基金秘",))


@builds(CapitalCall)
def _capital_call(world):
    fund, manager, _deal = _fund_world(world)
    today = timezone.localdate()
    call = fund_services.capital_call_create(
        fund=fund,
        actor=manager,
        amount=Decimal("1000.00"),
        call_date=today,
        due_date=today,
        purpose="甲出资用途秘",
    )
    return Target(call, ("甲基金秘", "甲出资用途秘"))


@builds(Payment)
def _payment(world):
    call = world.get(CapitalCall).obj
    fund, manager, _deal = _fund_world(world)
    allocation = call.allocations.get()
    payment = fund_services.payment_record(
        capital_call=call,
        limited_partner=allocation.limited_partner,
        actor=manager,
        amount=Decimal("10.00"),
        paid_on=call.call_date,
        reference="甲付款凭证秘",
    )
    return Target(payment, ("甲付款凭证秘",))


@builds(Deal)
def _deal(world):
    _fund, _manager, deal = _fund_world(world)
    return Target(deal, ("甲被投企业秘",))


@builds(DealReview)
def _deal_review(world):
    _fund, manager, deal = _fund_world(world)
    review = fund_services.review_submit(
        deal=deal,
        actor=manager,
        scores={key: 4 for key, _name, _weight in DEFAULT_CRITERIA},
        comment="甲评审意见秘",
    )
    return Target(review, ("甲被投企业秘", "甲评审意见秘"))


def _investment(world) -> Investment:
    if "investment" not in world.built:
        _fund, manager, deal = _fund_world(world)
        Deal.objects.filter(pk=deal.pk).update(stage="committee")
        fund_services.committee_decide(
            deal=deal,
            actor=manager,
            meeting_date=timezone.localdate() - datetime.timedelta(days=40),
            votes_for=5,
            votes_against=0,
            decision="approve",
            conditions="甲投决条件秘",
        )
        world.built["investment"] = fund_services.investment_record(
            deal=deal,
            actor=manager,
            amount=Decimal("5000.00"),
            invested_on=timezone.localdate() - datetime.timedelta(days=30),
        )
    return world.built["investment"]


@builds(CommitteeDecision)
def _committee_decision(world):
    _investment(world)
    _fund, _manager, deal = _fund_world(world)
    return Target(deal.decisions.get(), ("甲被投企业秘", "甲投决条件秘"))


@builds(Investment)
def _investment_target(world):
    return Target(_investment(world), ("甲被投企业秘",))


@builds(Valuation)
def _valuation(world):
    investment = _investment(world)
    _fund, manager, _deal = _fund_world(world)
    valuation = fund_services.valuation_record(
        investment=investment,
        actor=manager,
        valued_on=timezone.localdate() - datetime.timedelta(days=10),
        fair_value=Decimal("7777.00"),
    )
    return Target(valuation, ("甲被投企业秘",))


@builds(Exit)
def _exit(world):
    world.get(Valuation)  # valued before it is exited
    investment = _investment(world)
    _fund, manager, _deal = _fund_world(world)
    exit_ = fund_services.exit_record(
        investment=investment,
        actor=manager,
        exited_on=timezone.localdate(),
        kind="ipo",
        proceeds=Decimal("9000.00"),
    )
    return Target(exit_, ("甲被投企业秘",))


@builds(HoldingInvestment)
def _holding_investment(world):
    holding = OrganizationFactory(name="甲控股秘", kind="investor")
    investment = fund_services.holding_investment_save(
        holdinginvestment=HoldingInvestment(
            investor=holding,
            company=world.enterprise,
            amount=Decimal("850000000.00"),
            invested_on=datetime.date(2016, 1, 1),
            approximate=True,
            source="甲报道来源秘",
        ),
        actor=UserFactory(username="alpha_root", is_superuser=True),
    )
    return Target(investment, ("甲控股秘", "甲报道来源秘"))


# --- accounts (Django's and the API's) -------------------------------------------------------


def _alpha_user(world):
    if "user" not in world.built:
        world.built["user"] = UserFactory(username="alpha_login_secret", email="alpha@example.cn")
    return world.built["user"]


@builds(UserFactory._meta.model)
def _user(world):
    user = _alpha_user(world)
    return Target(user, (user.username, user.email))


@builds(Group)
def _group(world):
    return Target(Group.objects.create(name="甲用户组秘"), ("甲用户组秘",))


@builds(TokenProxy)
def _token(world):
    token = Token.objects.create(user=_alpha_user(world))
    return Target(TokenProxy.objects.get(key=token.key), (token.key,))


# --- the outbox and the background tasks -----------------------------------------------------


@builds(OutboxMessage)
def _outbox_message(world):
    membership = world.get(Membership).obj
    notify_on_commit(
        subject="甲通知主题秘",
        body="甲通知正文秘",
        to=[Party.of("甲收件人秘", ["alpha-mail@example.cn"])],
        concerns=membership,
    )
    message = OutboxMessage.objects.get(subject="甲通知主题秘")
    return Target(message, ("甲通知主题秘", "甲通知正文秘", "alpha-mail@example.cn"))


@builds(DBTaskResult)
def _task_result(world):
    """A sending task as the database backend stores it (the tests run tasks at once)."""
    message = world.get(OutboxMessage).obj
    result = DBTaskResult.objects.create(
        args_kwargs={"args": [message.pk], "kwargs": {}},
        task_path="core.tasks.send_outbox_message",
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        run_after=timezone.now(),
        exception_class_path="",
        traceback="甲任务错误秘",
    )
    # Not its id: the crawler's own URLs carry it (and a page may echo its URL back).
    return Target(result, ("甲任务错误秘",))


# --- failed logins (django-axes): the superuser's alone --------------------------------------


def _login_record(model, **extra):
    record = model.objects.create(
        username="alpha_login_secret",
        ip_address="10.1.2.3",
        user_agent="甲浏览器秘",
        http_accept="text/html",
        path_info="/accounts/login/",
        **extra,
    )
    return Target(record, ("alpha_login_secret", "甲浏览器秘"))


@builds(AccessAttempt)
def _access_attempt(world):
    return _login_record(AccessAttempt, get_data="", post_data="", failures_since_start=3)


@builds(AccessFailureLog)
def _access_failure(world):
    return _login_record(AccessFailureLog, locked_out=False)


@builds(AccessLog)
def _access_log(world):
    return _login_record(AccessLog)
