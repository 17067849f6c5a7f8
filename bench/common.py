"""Shared set-up of the benchmarks: Django on a separate ``alliance_bench`` database.

The database lives on the configured server (``DATABASE_URL``, else the embedded one), is
created and migrated when missing, and keeps its generated data between runs, so a second
run measures at once.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings_test")

BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "alliance_bench")


# The enterprises, the fund manager's login and the fund that bench/lists.py and
# bench/canal.py both seed: 50 enterprises, one user, one fund managed by ``{manager}``.
ENTERPRISES_AND_FUND = """
INSERT INTO members_organization (created, updated, name, name_en, kind, credit_code, city, website)
SELECT now(), now(), '基准企业' || n, '', 'enterprise', '', '', '' FROM generate_series(0, 49) n;
INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                       is_active, date_joined)
VALUES ('!', false, 'bench-fund-manager', '', '', '', false, true, now());
INSERT INTO funds_fund (created, updated, name, target_size, currency, vintage_year, status,
                        manager_id, bank_account_name, bank_account_number, bank_name)
SELECT now(), now(), '基准产业基金', 1e12, 'CNY', 2018, 'investing', id, '', '', ''
  FROM members_organization WHERE name = '{manager}';
"""


def setup_django(database: str | None = None):
    """Django on ``database`` (default ``BENCH_DATABASE``), created and migrated if needed."""
    import django
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = database or BENCH_DATABASE
    _create_database(settings.DATABASES["default"])
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _create_database(db: dict) -> None:
    import psycopg
    from psycopg import sql

    params = {
        "dbname": "postgres",
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))


def median_ms(action, *, repeat: int = 15, warmup: int = 2) -> float:
    """The median wall time of ``action()`` in milliseconds."""
    for _ in range(warmup):
        action()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def samples_ms(action, *, repeat: int = 15, warmup: int = 2) -> list[float]:
    """The wall times of ``repeat`` runs of ``action()`` in milliseconds, after a warm-up."""
    for _ in range(warmup):
        action()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return times


def p90(times: list[float]) -> float:
    return statistics.quantiles(times, n=10, method="inclusive")[8]


def report(title: str, rows: list[tuple[str, str]]) -> None:
    print(f"\n{title}")
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"  {label.ljust(width)}  {value}")


class Server:
    """GET requests through the project's WSGI application, as gunicorn calls it: the
    whole stack (middleware, session, view, renderer) without the test client's own work
    (copying the request, recording templates and signals, wrapping the response).

    ``login(user)`` opens a session for ``user`` as the login page would (through the
    test client's ``force_login``, once) and sends its cookie with every request after."""

    def __init__(self):
        from django.core.wsgi import get_wsgi_application

        self.application = get_wsgi_application()
        self.cookie = ""
        self.session_key = None

    def login(self, user) -> None:
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(user)
        self.session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.cookie = f"{settings.SESSION_COOKIE_NAME}={self.session_key}"

    def get(self, path: str, params: dict | None = None) -> tuple[int, bytes]:
        import io
        from urllib.parse import urlencode

        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": urlencode(params or {}),
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "testserver",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        if self.cookie:
            environ["HTTP_COOKIE"] = self.cookie
        status = []
        body = self.application(environ, lambda line, headers, *rest: status.append(line))
        try:
            content = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        return int(status[0].split()[0]), content
