"""Form widgets whose rendering matters to a page's speed."""

from __future__ import annotations

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from core.templatetags.names import in_language


def _attrs(attrs: dict) -> str:
    """Django's ``attrs.html``: `` name="value"``, a bare name for True, nothing for False."""
    shown = []
    for name, value in attrs.items():
        if value is True:
            shown.append(f" {conditional_escape(name)}")
        elif value is not False:
            shown.append(format_html(' {}="{}"', name, value))
    return "".join(shown)


class QuickSelect(forms.Select):
    """A ``<select>`` written in Python, to the character what ``forms.Select`` renders.

    Django renders each ``<option>`` through two templates; for the hundreds of
    organisations of a filter that costs more than the page's whole query. Choices in
    groups keep Django's rendering. With ``label_column``, the choices of a model choice
    field are read as ``(pk, label_column)`` pairs rather than as model instances (the
    model's ``__str__`` must show that column). When the model also has the column's
    English version (``name`` and ``name_en``), an English reader gets it where there is
    one, as ``display_name`` gives it.
    """

    def __init__(self, attrs=None, choices=(), *, label_column: str | None = None):
        super().__init__(attrs, choices)
        self.label_column = label_column

    def _pairs(self) -> list:
        choices = self.choices
        field = getattr(choices, "field", None)
        if self.label_column is None or field is None or field.to_field_name:
            return list(choices)
        pairs = []
        if field.empty_label is not None:
            pairs.append(("", field.empty_label))
        if getattr(field, "null_label", None) is not None:  # django-filter's null choice
            pairs.append((field.null_value, field.null_label))
        queryset = choices.queryset
        english = f"{self.label_column}_en"
        if not any(f.name == english for f in queryset.model._meta.concrete_fields):
            pairs.extend(queryset.values_list("pk", self.label_column))
            return pairs
        pairs.extend(
            (pk, in_language(label, label_en or ""))
            for pk, label, label_en in queryset.values_list("pk", self.label_column, english)
        )
        return pairs

    def render(self, name, value, attrs=None, renderer=None):
        choices = self._pairs()
        if any(isinstance(label, list | tuple) for _, label in choices):
            return super().render(name, value, attrs, renderer)
        wanted = set(self.format_value(value))
        options, chosen = [], False
        for option_value, label in choices:
            shown = "" if option_value is None else str(option_value)
            selected = not chosen and shown in wanted
            chosen = chosen or selected
            options.append(
                f'\n  <option value="{conditional_escape(shown)}"'
                f"{' selected' if selected else ''}>{conditional_escape(label)}</option>\n"
            )
        final = _attrs(self.build_attrs(self.attrs, attrs))
        options = "".join(options)
        return mark_safe(f'<select name="{conditional_escape(name)}"{final}>{options}\n</select>')
