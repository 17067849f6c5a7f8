"""``{% idempotency_key %}``: a fresh key for a hand-written form (see core.idempotency)."""

from django import template

from core.idempotency import new_key

register = template.Library()


@register.simple_tag
def idempotency_key() -> str:
    return new_key()
