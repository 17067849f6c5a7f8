"""Every screen in the reader's language, read as a person reads it.

The demo data are loaded once for the module; then, for each persona and each language,
every portal page, every admin list, add and change form, the error pages and every export
are rendered, and their visible text (text nodes plus tooltips, placeholders and labels for
assistive technology; not scripts or styles) is checked:

* in Chinese: no English word (two or more Latin letters) outside a short allowlist of
  product and technology names, units and acronyms, and no raw choice code;
* in English: no Chinese outside the names that have no English version (data entered in
  Chinese only) and the language switcher.

A failure lists each page with the words that gave it away.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models, transaction
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook

# Product, technology and unit names, acronyms of finance and file formats: the same in
# both languages.
ALLOWED_LATIN = {
    # products and technologies of the demo data
    "DMTO", "EVA", "FL", "POE", "PX", "MTO", "PBAT", "PLA", "PE", "PP", "PET",
    # units, file formats and the programs that write them
    "kg", "km", "MW", "CSV", "XLSX", "PDF", "API", "GB", "JSON", "REST",
    "Word", "Excel", "PowerPoint", "PNG", "JPEG",
    # patent offices and treaties in patent numbers (CN201810012345.6, PCT/CN2018/…)
    "CN", "PCT", "US", "EP", "WO",
    # the directory protocol named in Django's user form; keys of the keyboard
    "LDAP", "Ctrl", "Command", "Mac",
    # finance figures, read as such in Chinese reports
    "NAV", "DPI", "RVPI", "TVPI", "IRR", "XIRR", "MOIC", "IPO", "IP",
    # the switcher offers English in English
    "English",
}  # fmt: skip
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z_]+")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+")
SWITCHER = "简体中文"
ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
SKIPPED_TAGS = {"script", "style", "template", "noscript"}
PERSONAS = ["anonymous", "institute", "enterprise", "secretariat", "fund", "analyst", "admin"]
LANGUAGES = ["zh-hans", "en"]

# Not gaps but the reader's due: a capital call notice gives English readers the amount in
# English words and also in Chinese capital numerals, labelled as the statutory form (the
# wording a Chinese bank and the partnership agreement go by). Only that line, on notices.
STATUTORY_CAPITALS = re.compile("人民币[零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整]+")
ALLOWED = [(r"^/calls/\d+/notices/", STATUTORY_CAPITALS)]


# A record's own admin page shows its Chinese name in its ``name`` field, next to the English
# one: in an input where the user may change it, as text where the page is read-only (an
# organisation the secretariat may list but not change).
OWN_NAME = re.compile(r"^/admin/members/(organization|alliance)/(\d+)/change/")


def _unexplained(url: str, words: list[str]) -> list[str]:
    """The words that no allowance of ``url`` explains."""
    for pattern, allowed in ALLOWED:
        if re.search(pattern, url):
            words = [w for w in words if not allowed.fullmatch(w)]
    own = OWN_NAME.match(url)
    if own:
        model = apps.get_model("members", own.group(1))
        name = model._default_manager.filter(pk=own.group(2)).values_list("name", flat=True)
        words = [w for w in words if w not in name]
    return words


class VisibleText(HTMLParser):
    """The text a reader sees: text nodes outside scripts and styles, and the attributes
    shown as tooltips or read aloud; submit buttons' values too."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_TAGS:
            self._skip += 1
            return
        values = dict(attrs)
        if tag == "input" and values.get("type") == "hidden":
            return
        if tag == "img" and "/admin/img/" in (values.get("src") or ""):
            return  # Django's admin icons carry fixed English alt texts (True, Search)
        self.parts.extend(values[name] for name in ATTRIBUTES if values.get(name))
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"])

    def handle_startendtag(self, tag, attrs):
        if tag not in SKIPPED_TAGS:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.parts


def choice_codes() -> set[str]:
    """Every stored value of every choice field whose label says something else."""
    codes = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str) and len(value) > 1 and value != str(label):
                    codes.add(value)
    return codes


def latin_words_in_data() -> set[str]:
    """Latin words people entered (titles, patent numbers, English names, abstracts): a
    Chinese reader sees data as it was entered."""
    words = set()
    for model in apps.get_models():
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        ]
        if not fields or model._meta.app_label in ("sessions", "admin"):
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                if isinstance(value, str):
                    words.update(LATIN_WORD.findall(value))
    return words


def data_without_english_name() -> set[str]:
    """Chinese text entered as data with no English version: an English reader sees it
    as it is. An organisation's or alliance's name with an English name is not in it."""
    texts = set()
    bilingual = {"name": "name_en"}
    for model in apps.get_models():
        if model._meta.app_label not in ("members", "projects", "funds", "auth"):
            continue
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        ]
        names = [f.name for f in fields]
        for row in model._default_manager.values(*names):
            for name, value in row.items():
                if not isinstance(value, str) or not CJK.search(value):
                    continue
                english = bilingual.get(name)
                if english in row and row[english]:
                    continue
                texts.add(value.strip())
                texts.update(line.strip() for line in value.splitlines() if line.strip())
    return texts


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data and logins, loaded once and rolled back at the end of the module."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", "--logins", verbosity=0)
            yield {
                "codes": choice_codes(),
                "untranslated": data_without_english_name(),
                "latin_data": latin_words_in_data() - choice_codes(),
                "usernames": set(get_user_model().objects.values_list("username", flat=True)),
            }
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _portal_urls() -> list[str]:
    from funds.models import CapitalCall, Deal, Fund
    from members.models import Alliance, MembershipApplication, Organization
    from projects.models import Achievement, Project

    urls = [
        "/",
        "/join/",
        "/catalogue/",
        "/my/achievements/",
        "/my/achievements/new/",
        "/review/achievements/",
        "/projects/",
        "/milestones/overdue/",
        "/canal/",
        "/funds/",
        "/holding/",
        "/holding/organizations/",
        "/import-substitution/",
        "/accounts/login/",
        "/no-such-page/",
    ]
    for alliance in Alliance.objects.all():
        urls += [alliance.get_absolute_url(), reverse("members:apply_to", args=[alliance.slug])]
    urls += [o.get_absolute_url() for o in Organization.objects.in_directory()[:8]]
    for achievement in Achievement.objects.all():
        urls += [
            achievement.get_absolute_url(),
            reverse("projects:canal", args=[achievement.pk]),
            reverse("projects:achievement_edit", args=[achievement.pk]),
            reverse("projects:achievement_review", args=[achievement.pk]),
            reverse("projects:project_new", args=[achievement.pk]),
        ]
    urls += [p.get_absolute_url() for p in Project.objects.all()]
    for fund in Fund.objects.all():
        urls += [
            reverse("funds:fund", args=[fund.pk]),
            reverse("funds:board", args=[fund.pk]),
            reverse("funds:deals", args=[fund.pk]),
        ]
    for call in CapitalCall.objects.prefetch_related("allocations"):
        urls.append(reverse("funds:call", args=[call.pk]))
        urls += [
            reverse("funds:call_notice", args=[call.pk, allocation.pk])
            for allocation in call.allocations.all()
        ]
    urls += [reverse("funds:deal", args=[deal.pk]) for deal in Deal.objects.all()]
    urls += [a.get_status_url() for a in MembershipApplication.objects.all()[:3]]
    return urls


def _admin_urls(user) -> list[str]:
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        prefix = f"{opts.app_label}_{opts.model_name}"
        request = RequestFactory().get("/admin/")
        request.user = user
        if not model_admin.has_view_or_change_permission(request):
            continue
        urls.append(reverse(f"admin:{prefix}_changelist"))
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"admin:{prefix}_add"))
        row = model_admin.get_queryset(request).order_by("pk").first()
        if row is not None:
            urls.append(reverse(f"admin:{prefix}_change", args=[row.pk]))
            urls.append(reverse(f"admin:{prefix}_history", args=[row.pk]))
        for extra in ("export", "import"):
            with contextlib.suppress(NoReverseMatch):  # only where import/export is on
                urls.append(reverse(f"admin:{prefix}_{extra}"))
    return urls


ADDRESS = re.compile(r"\S+@\S+|https?://\S+|/\S*")


def _problems(texts, language, demo) -> list[str]:
    found = []
    for text in texts:
        if text in demo["usernames"]:
            continue  # a login's name, as its owner chose it
        entered = text
        text = ADDRESS.sub(" ", text)  # e-mail addresses, links and paths are not words
        if language == "en":
            remainder = entered  # data as entered, a "/" between its languages included
            for allowed in sorted(demo["untranslated"], key=len, reverse=True):
                if allowed in remainder:
                    remainder = remainder.replace(allowed, " ")
            remainder = ADDRESS.sub(" ", remainder).replace(SWITCHER, " ")
            found += CJK.findall(remainder)
            found += [w for w in LATIN_WORD.findall(text) if "_" in w and w in demo["codes"]]
        else:
            for word in LATIN_WORD.findall(text):
                if word in demo["usernames"]:
                    continue  # a login's name inside a text ("Select … - institute")
                if word not in ALLOWED_LATIN and word not in demo["latin_data"]:
                    found.append(word)
    return found


def _export_texts(response) -> list[str]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in response.get("Content-Type", ""):
        workbook = load_workbook(io.BytesIO(content), read_only=True)
        return [
            str(cell)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if isinstance(cell, str)
        ]
    return [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row]


EXPORT_LINK = re.compile(r'href="(\?[^"]*export=(?:csv|xlsx)[^"]*)"')


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_screen_speaks_the_readers_language(client, demo, persona, language):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    client.cookies.load({"django_language": language})
    user = None
    if persona != "anonymous":
        user = get_user_model().objects.get(username=persona)
        client.force_login(user)
    urls = _portal_urls()
    if user is not None and user.is_staff:
        urls += _admin_urls(user)
    report = {}
    for url in dict.fromkeys(urls):
        response = client.get(url)
        if response.status_code in (301, 302, 405):
            continue
        if response.get("Content-Type", "").startswith("text/html"):
            html = response.content.decode()
            problems = _problems(visible_text(html), language, demo)
            for link in dict.fromkeys(EXPORT_LINK.findall(html)):
                export = client.get(url.split("?")[0] + link.replace("&amp;", "&"))
                export_url = f"{url}{link}"
                found = _unexplained(export_url, _problems(_export_texts(export), language, demo))
                if found:
                    report[f"{url}{link} (export)"] = sorted(set(found))
        else:
            continue
        problems = _unexplained(url, problems)
        if problems:
            report[f"{url} [{response.status_code}]"] = sorted(set(problems))
    lines = [f"{url}: {' '.join(words[:15])}" for url, words in report.items()]
    assert not report, f"{persona} reading {language}:\n" + "\n".join(lines)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_server_error_page_speaks_the_readers_language(demo, rf, language):
    from django.utils import translation
    from django.views import defaults

    with translation.override(language):
        response = defaults.server_error(rf.get("/"))
    assert not _problems(visible_text(response.content.decode()), language, demo)
