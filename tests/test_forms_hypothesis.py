"""Generated input for every form of the portal (the classes in */forms.py).

NUL characters, huge and odd numbers, dates at and past the ends of the calendar, long
text and random choice values: ``is_valid()`` never raises, and where the form feeds a
service, the service on a valid form raises nothing but ValidationError or PermissionDenied.
A new form is picked up by itself; one whose constructor needs an argument this file does
not know fails ``test_every_form_can_be_built``.
"""

from __future__ import annotations

import contextlib
import datetime
import importlib
import inspect
from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funds import services as fund_services
from members import roles
from projects import services as project_services
from tests.factories import (
    CommitmentFactory,
    DealFactory,
    FundFactory,
    ProjectFactory,
    UserFactory,
    member_achievement,
)

pytestmark = pytest.mark.django_db

FORM_MODULES = ["canal.forms", "core.forms", "funds.forms", "members.forms", "projects.forms"]


def form_classes() -> list[type[forms.BaseForm]]:
    found = []
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module_name or not issubclass(cls, forms.BaseForm):
                continue
            if issubclass(cls, forms.ModelForm) and cls._meta.model is None:
                continue  # an abstract base
            found.append(cls)
    return found


FORMS = form_classes()

NASTY_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(max_size=20).map(lambda text: f"{text}\x00{text}"),
    st.just("长" * 5000),
    st.sampled_from(["", " ", "\t\n", "'; DROP TABLE x; --", "<script>", "\u202e", "\ud7ff"]),
)
NASTY_NUMBERS = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.sampled_from(["1e999", "-1e999", "NaN", "Infinity", "0.001", "-0", "1" * 19 + ".99"]),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
NASTY_DATES = st.one_of(
    st.sampled_from(
        ["9999-12-31", "0001-01-01", "1899-12-31", "1900-01-01", "2100-12-31", "2024-02-30"]
    ),
    st.dates().map(datetime.date.isoformat),
)
NASTY = st.one_of(NASTY_TEXT, NASTY_NUMBERS, NASTY_DATES)


def value_for(field) -> st.SearchStrategy:
    """What a field may receive: mostly its own kind of value, gone wrong, else anything."""
    choices = []
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        choices = [str(value) for value, _label in field.choices if str(value)]
    own = NASTY
    if isinstance(field, forms.DateField):
        own = NASTY_DATES
    elif isinstance(field, forms.DecimalField | forms.IntegerField | forms.FloatField):
        own = NASTY_NUMBERS
    elif isinstance(field, forms.CharField):
        own = NASTY_TEXT
    strategies = [own, NASTY]
    if choices:
        strategies.insert(0, st.sampled_from(choices))
    return st.one_of(*strategies)


@pytest.fixture
def world(alliance_a, org_a, enterprise_a):
    manager = UserFactory(username="hyp_mgr", groups=[roles.FUND_MANAGER])
    fund = FundFactory(team=[manager])
    CommitmentFactory(fund=fund, amount=Decimal("1000000.00"))
    accepted = member_achievement(org_a, alliance_a, status="accepted")
    project = ProjectFactory(achievement=accepted, enterprise=enterprise_a)
    deal = DealFactory(fund=fund, owner=manager, stage="committee")
    approved = DealFactory(fund=fund, owner=manager, stage="approved")
    investment = fund_services.investment_record(
        deal=approved,
        actor=manager,
        amount=Decimal("1000.00"),
        invested_on=datetime.date(2024, 1, 1),
    )
    call = fund_services.capital_call_create(
        fund=fund,
        actor=manager,
        amount=Decimal("1000.00"),
        call_date=datetime.date(2024, 1, 1),
        due_date=datetime.date(2024, 2, 1),
    )
    return {
        "actor": manager,
        "user": manager,
        "fund": fund,
        "deal": deal,
        "criteria": fund.criteria.all(),
        "project": project,
        "achievement": accepted,
        "investment": investment,
        "allocation": call.allocations.first(),
    }


def build(cls, world, data=None):
    parameters = inspect.signature(cls.__init__).parameters
    needed = [
        name
        for name, parameter in parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY and parameter.default is parameter.empty
    ]
    unknown = [name for name in needed if name not in world]
    assert not unknown, f"{cls.__module__}.{cls.__name__} needs {unknown}: add them to world"
    return cls(data, **{name: world[name] for name in needed})


# Forms that feed a service: how the view calls it with the cleaned data.
SERVICES = {
    "funds.forms.MoveForm": lambda form, w: fund_services.deal_move(
        deal=w["deal"], actor=w["actor"], **form.cleaned_data
    ),
    "funds.forms.ReviewForm": lambda form, w: fund_services.review_submit(
        deal=w["deal"],
        actor=w["actor"],
        scores=form.scores(),
        comment=form.cleaned_data["comment"],
    ),
    "funds.forms.DecisionForm": lambda form, w: fund_services.committee_decide(
        deal=w["deal"], actor=w["actor"], **form.cleaned_data
    ),
    "funds.forms.InvestmentForm": lambda form, w: fund_services.investment_record(
        deal=w["deal"], actor=w["actor"], **form.cleaned_data
    ),
    "funds.forms.ValuationForm": lambda form, w: fund_services.valuation_record(
        investment=w["investment"], actor=w["actor"], **form.cleaned_data
    ),
    "funds.forms.ExitForm": lambda form, w: fund_services.exit_record(
        investment=w["investment"], actor=w["actor"], **form.cleaned_data
    ),
    "funds.forms.CapitalCallForm": lambda form, w: fund_services.capital_call_create(
        fund=w["fund"], actor=w["actor"], **form.cleaned_data
    ),
    "funds.forms.PaymentForm": lambda form, w: fund_services.allocation_record_payment(
        allocation=w["allocation"], actor=w["actor"], **form.cleaned_data
    ),
    "projects.forms.MoveForm": lambda form, w: project_services.project_move(
        project=w["project"], actor=w["actor"], **form.cleaned_data
    ),
}


def _label(cls) -> str:
    return f"{cls.__module__}.{cls.__name__}"


def test_every_form_can_be_built(world):
    for cls in FORMS:
        build(cls, world)


def test_the_services_named_here_exist():
    assert set(SERVICES) <= {_label(cls) for cls in FORMS}


@pytest.mark.parametrize("cls", FORMS, ids=_label)
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_generated_input_never_breaks_a_form_or_its_service(cls, world, data):
    fields = build(cls, world).fields
    values = data.draw(
        st.fixed_dictionaries({}, optional={name: value_for(f) for name, f in fields.items()})
    )
    form = build(cls, world, values)
    valid = form.is_valid()  # must not raise
    service = SERVICES.get(_label(cls))
    if valid and service is not None:
        with contextlib.suppress(ValidationError, PermissionDenied):
            service(form, world)
