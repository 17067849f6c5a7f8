"""Capital call notices: the letter a limited partner acts on, as a page, as a PDF and as the
attachment of the mail that issues the call.

A notice names the partner and its liaison (the partner's primary contact, else its first
contact), the amount in figures and — for a call in CNY — in Chinese capital numerals
(人民币大写), the due date, the fund's bank account and the reference the partner quotes
with its payment: ``<fund code>-<call number>-<partner id>`` (``F3-02-17``).
"""

from __future__ import annotations

from core.pdf import PDF, render_pdf
from funds.models import CapitalCall, CapitalCallAllocation, Commitment
from members.models import Contact

TEMPLATE = "funds/print/call_notice.html"


def notice_reference(call: CapitalCall, partner_id: int) -> str:
    return f"{call.fund.code}-{call.number:02d}-{partner_id}"


def pick_liaison(contacts) -> Contact | None:
    """The primary contact among ``contacts``, else the first by name."""
    ordered = sorted(contacts, key=lambda c: (not c.is_primary, c.name, c.pk))
    return ordered[0] if ordered else None


def notice_context(
    call: CapitalCall,
    allocation: CapitalCallAllocation,
    *,
    commitment: Commitment | None,
    liaison: Contact | None,
) -> dict:
    return {
        "call": call,
        "fund": call.fund,
        "allocation": allocation,
        "partner": allocation.limited_partner,
        "commitment": commitment,
        "liaison": liaison,
        "reference": notice_reference(call, allocation.limited_partner_id),
    }


def notice_filename(context: dict) -> str:
    return f"call-notice-{context['reference']}.pdf"


def notice_pdf(context: dict, request=None) -> bytes:
    return render_pdf(TEMPLATE, context, request=request)


def allocation_notice(allocation_id: int) -> tuple[str, bytes, str]:
    """The notice of an allocation as a mail attachment (the outbox's worker prints it:
    ``register_renderer("funds.call_notice", allocation_notice)``)."""
    allocation = CapitalCallAllocation.objects.select_related(
        "call__fund__manager", "limited_partner"
    ).get(pk=allocation_id)
    call, partner = allocation.call, allocation.limited_partner
    context = notice_context(
        call,
        allocation,
        commitment=call.fund.commitments.filter(limited_partner=partner).first(),
        liaison=pick_liaison(partner.contacts.all()),
    )
    return notice_filename(context), notice_pdf(context), PDF
