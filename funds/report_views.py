"""What the fund sends its partners: capital account statements, quarterly reports and call
notices, each as a page and as a PDF, for the fund's team and the analysts
(``Fund.objects.visible_to``; 404 for everyone else)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from core.pdf import pdf_response, render_pdf
from funds.charts import jcurve_svg
from funds.models import CapitalCall, Fund
from funds.notices import notice_context, notice_filename, notice_pdf, pick_liaison
from funds.statements import capital_accounts, quarter_report, reportable_quarters
from members.models import Organization


class AsOfForm(forms.Form):
    as_of = forms.DateField(label=gettext_lazy("As of"), required=False)

    def clean_as_of(self):
        day = self.cleaned_data["as_of"] or timezone.localdate()
        if day > timezone.localdate():
            raise forms.ValidationError(_("A statement cannot be dated in the future."))
        return day


def _fund(request, pk) -> Fund:
    return get_object_or_404(Fund.objects.visible_to(request.user).select_related("manager"), pk=pk)


def _statement(request, pk, partner_id):
    """The fund, the partner (one with a commitment to the fund) and the form of the date."""
    fund = _fund(request, pk)
    partner = get_object_or_404(Organization, pk=partner_id, commitments__fund=fund)
    form = AsOfForm(request.GET)
    return fund, partner, form


def _statement_context(fund, partner, as_of) -> dict:
    accounts = capital_accounts(fund, as_of)
    return {
        "fund": fund,
        "partner": partner,
        "account": accounts.account_of(partner.pk),
        "figures": accounts.figures,
        "totals": accounts.totals,
    }


def _refused_date(request, fund, partner, form):
    """The statement page with the date's error, and no figures."""
    context = {"fund": fund, "partner": partner, "form": form, "account": None}
    context["as_of_value"] = request.GET.get("as_of", "")
    return render(request, "funds/statement.html", context, status=400)


@login_required
def partner_statement(request, pk, partner_id):
    """A limited partner's capital account as of a date (``?as_of=YYYY-MM-DD``, today)."""
    fund, partner, form = _statement(request, pk, partner_id)
    if not form.is_valid():
        return _refused_date(request, fund, partner, form)
    context = _statement_context(fund, partner, form.cleaned_data["as_of"])
    context["form"] = form
    context["as_of_value"] = form.cleaned_data["as_of"].isoformat()
    return render(request, "funds/statement.html", context)


@login_required
def partner_statement_pdf(request, pk, partner_id):
    fund, partner, form = _statement(request, pk, partner_id)
    if not form.is_valid():
        return _refused_date(request, fund, partner, form)
    as_of = form.cleaned_data["as_of"]
    context = _statement_context(fund, partner, as_of)
    pdf = render_pdf("funds/print/statement.html", context, request=request)
    return pdf_response(pdf, f"statement-{fund.code}-{partner.pk}-{as_of.isoformat()}.pdf")


def _report_context(request, pk, year, quarter) -> dict:
    fund = _fund(request, pk)
    if (year, quarter) not in reportable_quarters(fund):
        raise Http404(_("There is no report for this quarter."))
    report = quarter_report(fund, year, quarter)
    title = _("Cumulative net cash flow of the partners (J-curve)")
    return {
        "fund": fund,
        "report": report,
        "figures": report.figures,
        "totals": report.closing.totals,
        "jcurve": jcurve_svg(
            report.flows, currency=fund.currency, language=get_language(), title=title
        ),
    }


@login_required
def fund_report(request, pk, year, quarter):
    """The fund's report for a calendar quarter, as of its last day."""
    return render(request, "funds/report.html", _report_context(request, pk, year, quarter))


@login_required
def fund_report_pdf(request, pk, year, quarter):
    context = _report_context(request, pk, year, quarter) | {"printing": True}
    pdf = render_pdf("funds/print/report.html", context, request=request)
    return pdf_response(pdf, f"report-{context['fund'].code}-{year}-Q{quarter}.pdf")


def _notice(request, pk, allocation) -> dict:
    call = get_object_or_404(
        CapitalCall.objects.visible_to(request.user).select_related("fund__manager"), pk=pk
    )
    item = get_object_or_404(call.allocations.select_related("limited_partner"), pk=allocation)
    partner = item.limited_partner
    return notice_context(
        call,
        item,
        commitment=call.fund.commitments.filter(limited_partner=partner).first(),
        liaison=pick_liaison(partner.contacts.all()),
    )


@login_required
def call_notice(request, pk, allocation):
    """The call notice of one limited partner, as a page (to read, print or download)."""
    return render(request, "funds/call_notice.html", _notice(request, pk, allocation))


@login_required
def call_notice_pdf(request, pk, allocation):
    context = _notice(request, pk, allocation)
    return pdf_response(notice_pdf(context, request=request), notice_filename(context))
