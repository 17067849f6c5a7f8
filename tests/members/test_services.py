import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from core.models import OutboxMessage, OutboxStatus
from members import services
from members.choices import ApplicationStatus, MembershipRole, MembershipStatus
from members.models import Contact, Membership, Organization
from members.validators import validate_credit_code
from tests.factories import (
    MembershipApplicationFactory,
    MembershipFactory,
    OrganizationFactory,
    make_credit_code,
)

pytestmark = pytest.mark.django_db


# --- The credit code ---------------------------------------------------------------------


def test_a_published_credit_code_is_accepted():
    assert validate_credit_code("91350100M000100Y43") is None  # raises when refused


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y44",  # wrong check character
        "91350100M000100Y4",  # too short
        "91350100M0001O0Y43",  # the letter O is not used
        "9135A100M000100Y43",  # administrative division must be digits
    ],
)
def test_a_malformed_credit_code_is_refused(code):
    with pytest.raises(ValidationError):
        validate_credit_code(code)


def test_generated_codes_pass_the_check():
    codes = {make_credit_code(seed) for seed in range(50)}
    assert len(codes) == 50
    for code in codes:
        assert validate_credit_code(code) is None  # raises when refused


def test_the_database_refuses_a_malformed_credit_code_too():
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=OrganizationFactory().pk).update(credit_code="short")


def test_credit_code_is_stored_upper_case():
    code = make_credit_code(3)
    organization = OrganizationFactory(credit_code=code.lower())
    organization.refresh_from_db()
    assert organization.credit_code == code


# --- Organisations -----------------------------------------------------------------------


def test_the_database_refuses_a_name_differing_only_in_case_and_spaces():
    OrganizationFactory(name="Levima")
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(name=" LEVIMA ", kind="enterprise")


def test_parent_cycles_are_refused():
    academy = OrganizationFactory()
    institute = OrganizationFactory(parent=academy)
    academy.parent = institute
    with pytest.raises(ValidationError) as error:
        academy.full_clean()
    assert "parent" in error.value.message_dict


# --- Membership constraints --------------------------------------------------------------


def test_the_database_allows_one_active_chairman_per_alliance(alliance_a):
    MembershipFactory(alliance=alliance_a, role=MembershipRole.CHAIRMAN)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            alliance=alliance_a, organization=OrganizationFactory(), role=MembershipRole.CHAIRMAN
        )


def test_the_database_allows_one_current_membership_per_organisation(alliance_a, org_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(alliance=alliance_a, organization=org_a)


def test_a_withdrawn_organisation_may_rejoin(alliance_a, org_a):
    services.membership_withdraw(membership=org_a.memberships.get(), actor=None, reason="暂时退出")
    rejoined = services.membership_create(
        alliance=alliance_a, organization=org_a, role=MembershipRole.MEMBER, actor=None
    )
    assert rejoined.status == MembershipStatus.ACTIVE


# --- Transitions -------------------------------------------------------------------------


def test_suspend_and_reinstate(secretariat_a, org_a):
    membership = org_a.memberships.get()
    services.membership_suspend(membership=membership, actor=secretariat_a, comment="欠费")
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.SUSPENDED
    services.membership_reinstate(membership=membership, actor=secretariat_a)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE
    assert [e.to_status for e in membership.events.all()] == ["suspended", "active"]


def test_reinstating_an_active_membership_is_illegal(org_a):
    with pytest.raises(ValidationError):
        services.membership_reinstate(membership=org_a.memberships.get(), actor=None)


def test_suspending_a_withdrawn_membership_is_illegal(org_a):
    membership = org_a.memberships.get()
    services.membership_withdraw(membership=membership, actor=None, reason="x")
    with pytest.raises(ValidationError):
        services.membership_suspend(membership=membership, actor=None)


def test_expelling_needs_a_reason(org_a):
    with pytest.raises(ValidationError):
        services.membership_expel(membership=org_a.memberships.get(), actor=None, reason="  ")
    assert org_a.memberships.get().status == MembershipStatus.ACTIVE


def test_expel_a_suspended_member(org_a):
    membership = org_a.memberships.get()
    services.membership_suspend(membership=membership, actor=None)
    services.membership_expel(membership=membership, actor=None, reason="严重违规")
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.EXPELLED


def test_hand_over_chair_demotes_the_old_chairman_in_the_same_transaction(alliance_a, org_a):
    old = MembershipFactory(alliance=alliance_a, role=MembershipRole.CHAIRMAN)
    new = org_a.memberships.get()
    services.membership_hand_over_chair(membership=new, actor=None)
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.role, new.role) == (MembershipRole.GOVERNING, MembershipRole.CHAIRMAN)
    assert old.events.last().from_role == MembershipRole.CHAIRMAN


def test_hand_over_chair_to_a_suspended_member_is_illegal(alliance_a, org_a):
    membership = org_a.memberships.get()
    services.membership_suspend(membership=membership, actor=None)
    with pytest.raises(ValidationError):
        services.membership_hand_over_chair(membership=membership, actor=None)


def test_lapse_command_marks_ended_terms_and_lists_those_ending_soon(alliance_a, capsys):
    today = datetime.date.today()
    ended = MembershipFactory(
        alliance=alliance_a,
        term_start=today.replace(year=today.year - 3),
        term_end=today - datetime.timedelta(days=1),
    )
    soon = MembershipFactory(alliance=alliance_a, term_end=today + datetime.timedelta(days=10))
    later = MembershipFactory(alliance=alliance_a, term_end=today + datetime.timedelta(days=200))
    call_command("lapse_memberships", "--days", "30")
    out = capsys.readouterr().out
    ended.refresh_from_db()
    soon.refresh_from_db()
    assert ended.status == MembershipStatus.LAPSED
    assert soon.status == MembershipStatus.ACTIVE
    assert soon.organization.display_name in out
    assert later.organization.display_name not in out
    assert ended.events.last().to_status == MembershipStatus.LAPSED


def test_lapse_dry_run_changes_nothing(alliance_a):
    ended = MembershipFactory(
        alliance=alliance_a,
        term_start=datetime.date(2019, 1, 1),
        term_end=datetime.date(2020, 1, 1),
    )
    call_command("lapse_memberships", "--dry-run")
    ended.refresh_from_db()
    assert ended.status == MembershipStatus.ACTIVE


# --- Applications ------------------------------------------------------------------------


def test_approval_creates_organisation_membership_and_contact(
    alliance_a, secretariat_a, mailoutbox, django_capture_on_commit_callbacks
):
    application = MembershipApplicationFactory(
        alliance=alliance_a, credit_code=make_credit_code(99), contact_email="li@example.cn"
    )
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.application_approve(application=application, actor=secretariat_a)
    assert membership.organization.credit_code == application.credit_code
    assert membership.term_end > membership.term_start
    contact = Contact.objects.get(organization=membership.organization)
    assert contact.email == "li@example.cn"
    assert contact.is_primary
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["li@example.cn"]


def test_approval_matches_an_existing_organisation_by_credit_code(alliance_a):
    existing = OrganizationFactory(name="已有单位")
    application = MembershipApplicationFactory(
        alliance=alliance_a,
        organization_name="已有单位（新写法）",
        credit_code=existing.credit_code,
    )
    membership = services.application_approve(application=application, actor=None)
    assert membership.organization == existing
    assert Organization.objects.filter(credit_code=existing.credit_code).count() == 1


def test_approval_matches_an_existing_organisation_by_normalised_name(alliance_a):
    existing = OrganizationFactory(name="Guangzhou Chemical", credit_code="")
    application = MembershipApplicationFactory(
        alliance=alliance_a, organization_name="  guangzhou chemical "
    )
    assert (
        services.application_approve(application=application, actor=None).organization == existing
    )


def test_approving_twice_is_illegal(alliance_a):
    application = MembershipApplicationFactory(alliance=alliance_a)
    services.application_approve(application=application, actor=None)
    with pytest.raises(ValidationError):
        services.application_approve(application=application, actor=None)


def test_approving_an_application_of_a_current_member_is_refused(alliance_a, org_a):
    application = MembershipApplicationFactory(alliance=alliance_a, organization_name=org_a.name)
    with pytest.raises(ValidationError):
        services.application_approve(application=application, actor=None)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING


def test_a_failed_mail_send_is_recorded_in_the_outbox_not_raised(
    alliance_a, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = {"default": {"BACKEND": "tests.members.test_services.BrokenMailer"}}
    application = MembershipApplicationFactory(alliance=alliance_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_reject(application=application, actor=None, reason="不符合条件")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    message = OutboxMessage.objects.get(recipient=application.contact_email)
    assert message.status == OutboxStatus.QUEUED  # tried again later
    assert message.attempts == 1
    assert "no mail server" in message.last_error


class BrokenMailer:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("no mail server")
