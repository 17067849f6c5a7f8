"""Template filters for money, in the reader's language: ``{% load money %}``.

``{{ fund.target_size|money:fund.currency }}`` → ``25 亿元`` / ``CNY 2.5 billion`` (tables, cards);
``{{ call.amount|money_full:call.fund.currency }}`` → ``2,500,000.00 元`` / ``CNY 2,500,000.00``;
``{{ allocation.amount|rmb_capital }}`` → ``贰佰伍拾万元整``;
``{{ allocation.amount|amount_in_words }}`` → ``Two million five hundred thousand yuan only``;
``{{ figures.irr|percent }}`` → ``17.44 %``; ``{{ figures.dpi|ratio }}`` → ``1.23×``.

The rules are in :mod:`core.money`. ``None`` and ``""`` show as ``—``; a value that is not a
number is shown as it is rather than breaking the page.
"""

from django import template
from django.conf import settings
from django.utils.translation import get_language

from core import money as rules

register = template.Library()


def _language() -> str:
    return get_language() or settings.LANGUAGE_CODE


def _missing(value) -> bool:
    return value is None or value == ""


@register.filter
def money(value, currency="CNY"):
    if _missing(value):
        return rules.NONE_DISPLAY
    try:
        return rules.money_short(value, _language(), currency or "CNY")
    except (TypeError, ValueError):
        return value


@register.filter
def money_full(value, currency="CNY"):
    if _missing(value):
        return rules.NONE_DISPLAY
    try:
        return rules.money_full(value, _language(), currency or "CNY")
    except (TypeError, ValueError):
        return value


@register.filter
def rmb_capital(value):
    """人民币大写; empty for amounts it cannot write (negative, beyond 9999 亿, not in cents)."""
    if _missing(value):
        return rules.NONE_DISPLAY
    try:
        return rules.rmb_capital(value)
    except (TypeError, ValueError):
        return ""


@register.filter
def amount_in_words(value):
    """The amount in English words; empty for amounts it cannot write (as rmb_capital)."""
    if _missing(value):
        return rules.NONE_DISPLAY
    try:
        return rules.amount_in_words(value)
    except (TypeError, ValueError):
        return ""


@register.filter
def currency_label(currency, language=None):
    return rules.currency_label(language or _language(), currency or "CNY")


@register.filter
def percent(value, places=2):
    if _missing(value):
        return rules.NONE_DISPLAY
    try:
        return rules.percent(value, int(places))
    except (TypeError, ValueError):
        return value


@register.filter
def ratio(value, places=2):
    if _missing(value):
        return rules.NONE_DISPLAY
    try:
        return rules.ratio(value, int(places))
    except (TypeError, ValueError):
        return value
