from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from funds import demo as funds_demo
from members import demo as members_demo
from members import roles
from members.models import Alliance, Contact
from projects import demo as projects_demo

DEMO_PASSWORD = "demo-pass-2018"


class Command(BaseCommand):
    help = (
        "Load the demo data of the seed article (idempotent). Creates the demo logins in "
        "development (DJANGO_DEBUG=true) or with --logins; all use the password "
        f"{DEMO_PASSWORD}."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--logins", action="store_true", help="Create the demo logins even when not debugging."
        )

    @transaction.atomic
    def handle(self, *args, logins: bool, **options):
        roles.ensure_role_groups()
        organizations = members_demo.load()
        projects_demo.load(members_demo.ADVANCED_MATERIALS)
        projects_demo.load_projects()
        fund_user = None
        if logins or settings.DEBUG:
            fund_user = self._logins(organizations)
            self.stdout.write(f"Demo logins ready; password: {DEMO_PASSWORD}")
        funds_demo.load(fund_user)
        funds_demo.ensure_partner_liaisons()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))

    def _user(self, username, *, group=None, **extra):
        # Every demo login has an address, so that the mail it should get reaches it.
        extra.setdefault("email", f"{username}@example.cn")
        user, created = get_user_model().objects.get_or_create(username=username, defaults=extra)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        elif not user.email:
            user.email = extra["email"]
            user.save(update_fields=["email"])
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user

    def _contact(self, user, organization, name):
        if not Contact.objects.filter(user=user).exists():
            Contact.objects.create(
                user=user, organization=organization, name=name, email=f"{user.username}@example.cn"
            )

    def _logins(self, organizations):
        secretariat = self._user(
            "secretariat", group=roles.SECRETARIAT, is_staff=True, first_name="联盟秘书处"
        )
        Alliance.objects.get(slug=members_demo.ADVANCED_MATERIALS).secretariat.add(secretariat)
        institute = self._user(
            "institute", group=roles.INSTITUTE_SUBMITTER, first_name="大连化物所"
        )
        self._contact(
            institute, organizations["中国科学院大连化学物理研究所"], "大连化物所成果转化处"
        )
        institute2 = self._user(
            "institute2", group=roles.INSTITUTE_SUBMITTER, first_name="长春应化所"
        )
        self._contact(
            institute2, organizations["中国科学院长春应用化学研究所"], "长春应化所成果转化处"
        )
        # Staff: the fund team follows its funds' mail in the admin's outbox.
        fund = self._user("fund", group=roles.FUND_MANAGER, first_name="基金经理", is_staff=True)
        self._contact(fund, organizations["中国科学院控股有限公司"], "产业基金投资经理")
        enterprise = self._user("enterprise", first_name="联泓新科")
        self._contact(enterprise, organizations["联泓新材料科技股份有限公司"], "联泓新科项目经理")
        self._user("analyst", group=roles.HOLDING_ANALYST, first_name="控股分析师")
        self._user("admin", is_staff=True, is_superuser=True, email="admin@example.cn")
        return fund
