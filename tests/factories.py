"""factory-boy factories for every model the tests need."""

import datetime
import random
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from members.choices import MembershipRole, MembershipStatus, OrganizationKind
from members.models import Alliance, Contact, Membership, MembershipApplication, Organization
from members.validators import CREDIT_CODE_CHARSET, credit_code_check_character
from projects.choices import AchievementStatus, Field
from projects.models import Achievement, Inventor, IPItem, Milestone, Product, Project


def make_credit_code(seed: int | None = None) -> str:
    """A random unified social credit code with a correct check character."""
    rng = random.Random(seed)
    body = (
        rng.choice("159")
        + rng.choice("123")
        + "".join(rng.choice("0123456789") for _ in range(6))
        + "".join(rng.choice(CREDIT_CODE_CHARSET) for _ in range(9))
    )
    return body + credit_code_check_character(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.cn")
    password = factory.django.Password("pass-word-123")

    @factory.post_generation
    def groups(self, create, names, **kwargs):
        for name in names or ():
            self.groups.add(Group.objects.get(name=name))


class AllianceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Alliance

    name = factory.Sequence(lambda n: f"测试联盟{n}")
    name_en = factory.Sequence(lambda n: f"Test Alliance {n}")
    slug = factory.Sequence(lambda n: f"alliance-{n}")
    city = "滕州"
    founded_on = datetime.date(2018, 1, 10)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"测试单位{n}")
    name_en = factory.Sequence(lambda n: f"Test Organisation {n}")
    kind = OrganizationKind.INSTITUTE
    city = "大连"
    credit_code = factory.Sequence(make_credit_code)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    alliance = factory.SubFactory(AllianceFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = MembershipRole.MEMBER
    status = MembershipStatus.ACTIVE
    term_start = datetime.date(2024, 1, 1)
    term_end = datetime.date(2030, 12, 31)
    joined_on = datetime.date(2024, 1, 1)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    email = factory.Sequence(lambda n: f"contact{n}@example.cn")


class MembershipApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MembershipApplication

    alliance = factory.SubFactory(AllianceFactory)
    organization_name = factory.Sequence(lambda n: f"申请单位{n}")
    kind = OrganizationKind.ENTERPRISE
    contact_name = "张工"
    contact_email = factory.Sequence(lambda n: f"applicant{n}@example.cn")
    motivation = "希望参与先进材料成果转化。"


# --- projects ------------------------------------------------------------------------------


class AchievementFactory(factory.django.DjangoModelFactory):
    """An achievement with two inventors (60/40) and one patent; ``status`` as asked."""

    class Meta:
        model = Achievement
        skip_postgeneration_save = True

    @classmethod
    def _generate(cls, strategy, params):
        # The achievement and its inventors in one transaction, as the services write them:
        # the database checks a submitted achievement's shares at commit.
        from django.db import transaction

        with transaction.atomic():
            return super()._generate(strategy, params)

    organization = factory.SubFactory(OrganizationFactory)
    alliance = factory.SubFactory(AllianceFactory)
    title = factory.Sequence(lambda n: f"测试成果{n}")
    summary = "一种新型催化材料 A novel catalyst for olefin production."
    confidential_details = "机密工艺参数"
    field = Field.CATALYSIS
    trl = 6
    trl_justification = "完成中试"
    status = AchievementStatus.DRAFT
    submitted_at = factory.LazyAttribute(
        lambda a: None if a.status in ("draft",) else datetime.datetime.now(datetime.UTC)
    )

    @factory.post_generation
    def inventors(self, create, value, **kwargs):
        rows = value if value is not None else [("发明人甲", "60"), ("发明人乙", "40")]
        Inventor.objects.bulk_create(
            Inventor(achievement=self, name=name, share=Decimal(share)) for name, share in rows
        )

    @factory.post_generation
    def ip_items(self, create, value, **kwargs):
        for number, title in value if value is not None else [("CN-T-1", "测试专利")]:
            IPItem.objects.create(achievement=self, number=number, title=title)


def member_achievement(organization, alliance, **kwargs):
    """An achievement of an organisation that is an active member of the alliance."""
    if not organization.memberships.filter(alliance=alliance, status="active").exists():
        MembershipFactory(organization=organization, alliance=alliance)
    return AchievementFactory(organization=organization, alliance=alliance, **kwargs)


class ProjectFactory(factory.django.DjangoModelFactory):
    """A project in the pilot stage; the achievement must be accepted (the database says so)."""

    class Meta:
        model = Project

    achievement = factory.SubFactory(AchievementFactory, status="accepted")
    title = factory.LazyAttribute(lambda p: f"项目 {p.achievement.title}")
    enterprise = factory.SubFactory(OrganizationFactory, kind="enterprise")
    started_on = datetime.date(2024, 1, 10)
    pilot_started_on = factory.LazyAttribute(lambda p: p.started_on)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"里程碑{n}")
    due_on = datetime.date(2030, 1, 1)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    project = factory.SubFactory(ProjectFactory)
    enterprise = factory.LazyAttribute(lambda p: p.project.enterprise)
    name = factory.Sequence(lambda n: f"产品{n}")
    replaces_import = True
    replaced_product = "进口同类产品"


class FundFactory(factory.django.DjangoModelFactory):
    """A fund with the default criteria (through the service's defaults)."""

    class Meta:
        model = "funds.Fund"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试基金{n}")
    manager = factory.SubFactory(OrganizationFactory, kind="investor")
    target_size = Decimal("1000000000.00")
    vintage_year = 2020

    @factory.post_generation
    def criteria(self, create, value, **kwargs):
        from funds.choices import DEFAULT_CRITERIA
        from funds.models import ReviewCriterion

        ReviewCriterion.objects.bulk_create(
            ReviewCriterion(fund=self, key=key, name=str(name), weight=Decimal(weight), position=i)
            for i, (key, name, weight) in enumerate(DEFAULT_CRITERIA)
        )

    @factory.post_generation
    def team(self, create, users, **kwargs):
        for user in users or ():
            self.team.add(user)


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "funds.Commitment"

    fund = factory.SubFactory(FundFactory)
    limited_partner = factory.SubFactory(OrganizationFactory, kind="investor")
    amount = Decimal("1000000.00")
    committed_on = datetime.date(2020, 1, 1)


class DealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "funds.Deal"

    fund = factory.SubFactory(FundFactory)
    company = factory.SubFactory(OrganizationFactory, kind="enterprise")
    owner = factory.LazyAttribute(lambda d: d.fund.team.first() or UserFactory())
    requested_amount = Decimal("1000000.00")
    stage = "sourced"
    stage_changed_at = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC))
    stage_reason = factory.LazyAttribute(
        lambda d: "原因" if d.stage in ("declined", "on_hold") else ""
    )
