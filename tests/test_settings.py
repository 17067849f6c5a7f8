"""Settings, security defaults and the shipped translations."""

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "EMAIL_URL"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "alliance.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x" * 20 + "production-like-secret-key-0123456789abcdef",
    "DJANGO_ALLOWED_HOSTS": "portal.example.cn",
    "DATABASE_URL": "postgres://alliance@127.0.0.1:5432/alliance",
    "EMAIL_URL": "smtp://localhost:25",
}


def test_deploy_check_passes_with_secret_key_hosts_database_and_mail():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr


def test_deploy_check_warns_when_production_has_no_mail_server():
    env = {k: v for k, v in PRODUCTION.items() if k != "EMAIL_URL"}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0
    assert "core.W001" in result.stderr
    assert "EMAIL_URL is not set" in result.stderr


def test_production_without_mail_server_keeps_mail_as_not_configured():
    env = {k: v for k, v in PRODUCTION.items() if k != "EMAIL_URL"}
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.ALLIANCE_MAIL_CONFIGURED,"
        " settings.MAILERS['default']['BACKEND'])",
        **env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["False", "django.core.mail.backends.dummy.EmailBackend"]


def test_production_has_no_default_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_proxy_header_is_one_variable():
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)",
        DJANGO_PROXY_SSL_HEADER="X-Forwarded-Proto",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert "('HTTP_X_FORWARDED_PROTO', 'https')" in result.stdout


def test_sessions_are_in_the_database_and_connections_persist():
    from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
    from django.utils.module_loading import import_string

    assert issubclass(import_string(f"{settings.SESSION_ENGINE}.SessionStore"), DatabaseStore)
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0


CATALOGUES = sorted((ROOT / "locale").glob("*/LC_MESSAGES/django.po"))


def _entries(po: Path):
    """(msgid, msgstr, fuzzy) of each entry but the header."""
    import re

    for block in po.read_text(encoding="utf-8").split("\n\n"):
        if block.lstrip().startswith("#~"):
            continue
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        msgstr = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', block, re.M)
        if not msgid:
            continue
        text = "".join(line[1:-1] for line in msgid.group(1).strip().split("\n"))
        if not text:
            continue
        translation = "".join(line[1:-1] for line in msgstr.group(1).strip().split("\n"))
        yield text, translation, "#, fuzzy" in block


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-3])
def test_every_string_is_translated(po):
    problems = [msgid for msgid, msgstr, fuzzy in _entries(po) if fuzzy or not msgstr]
    assert problems == []


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="gettext's msgfmt is not installed")
@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-3])
def test_compiled_catalogue_is_up_to_date(po, tmp_path):
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(po)], check=True)
    assert po.with_suffix(".mo").exists(), "run: manage.py compilemessages --ignore .venv"
    with fresh.open("rb") as new, po.with_suffix(".mo").open("rb") as shipped:
        assert gettext.GNUTranslations(shipped)._catalog == gettext.GNUTranslations(new)._catalog, (
            "run: manage.py compilemessages --ignore .venv"
        )
