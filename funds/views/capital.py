"""The fund's pages on money: the fund with its figures, capital calls, payments, notices."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import apply_service
from core.idempotency import once_per_key
from core.lists import Choice, Name, Text, sort
from funds import services
from funds.choices import FundStatus
from funds.forms import CapitalCallForm, PaymentForm
from funds.metrics import fund_figures
from funds.models import CapitalCall, CapitalCallAllocation, Fund, Payment
from funds.statements import reportable_quarters
from funds.views.common import is_on_team, visible_fund


@login_required
def fund_list(request):
    funds = (
        Fund.objects.visible_to(request.user)
        .select_related("manager")
        .annotate(deal_count=Count("deals", distinct=True))
    )
    funds, sorting = sort(funds, request, FUND_COLUMNS, default="name")
    return render(request, "funds/fund_list.html", {"funds": funds, "sorting": sorting})


# The fund list's sortable columns (core.lists.sort): key -> fields.
FUND_COLUMNS = {
    "name": Text("name"),
    "manager": (Name("manager__name"), "name"),
    "target": ("target_size", "name"),
    "vintage": ("vintage_year", "name"),
    "status": (Choice("status", FundStatus.choices), "name"),
    "deals": ("deal_count", "name"),
}


@login_required
def fund_detail(request, pk, call_form=None):
    fund = visible_fund(request, pk)
    on_team = is_on_team(request, fund)
    context = {
        "fund": fund,
        "figures": fund_figures(fund),
        "commitments": fund.commitments.select_related("limited_partner"),
        "quarters": reportable_quarters(fund),
        # Each call with what its partners paid in, and each partner's payment named.
        "calls": fund.capital_calls.annotate(
            paid_total=Coalesce(Sum("allocations__paid_amount"), Value(Decimal(0)))
        ).prefetch_related(
            Prefetch(
                "allocations",
                queryset=CapitalCallAllocation.objects.select_related("limited_partner"),
            )
        ),
        "on_team": on_team,
    }
    if on_team:
        context["call_form"] = call_form or CapitalCallForm(
            initial={"call_date": timezone.localdate(), "due_date": timezone.localdate()}
        )
    return render(request, "funds/fund_detail.html", context, status=400 if call_form else 200)


@login_required
@require_POST
@once_per_key
def capital_call_create(request, pk):
    fund = visible_fund(request, pk)
    form = CapitalCallForm(request.POST)
    call = apply_service(
        request,
        form,
        lambda data: services.capital_call_create(fund=fund, actor=request.user, **data),
        lambda call: _("Capital call %(number)d issued.") % {"number": call.number},
    )
    if call:
        call.mailing.tell(request)
        return redirect(call)
    return fund_detail(request, pk, call_form=form)


@login_required
def capital_call_detail(request, pk):
    call = get_object_or_404(
        CapitalCall.objects.visible_to(request.user).select_related("fund"), pk=pk
    )
    allocations = call.allocations.select_related("limited_partner").prefetch_related(
        Prefetch("payments", queryset=Payment.objects.select_related("recorded_by"))
    )
    return render(
        request,
        "funds/call_detail.html",
        {"call": call, "allocations": allocations, "on_team": is_on_team(request, call.fund)},
    )


@login_required
@require_POST
@once_per_key
def allocation_payment(request, pk, allocation):
    """Record one instalment of a partner's allocation (the page lists every instalment)."""
    call = get_object_or_404(CapitalCall.objects.visible_to(request.user), pk=pk)
    item = get_object_or_404(call.allocations, pk=allocation)
    form = PaymentForm(request.POST)

    def action(data):
        return services.payment_record(
            capital_call=call, limited_partner=item.limited_partner, actor=request.user, **data
        )

    if not apply_service(request, form, action, _("Payment recorded.")):
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
    return redirect(call)
