"""Stored codes by their labels: the one mapping the admin, the history and the records'
own labels (``core.models.StatusChange``) go through."""

from __future__ import annotations

from django.utils.translation import get_language


def code_label(value, choices) -> str:
    """A stored code (or list of codes) by its label; an unknown code as it is; nothing
    as "—"."""
    labels = {code: str(label) for code, label in choices}
    if isinstance(value, list | tuple):
        separator = "、" if (get_language() or "").startswith("zh") else ", "
        return separator.join(labels.get(v, str(v)) for v in value) if value else "—"
    if value in (None, ""):
        return "—"
    return labels.get(value, str(value))
