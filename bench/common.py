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


def report(title: str, rows: list[tuple[str, str]]) -> None:
    print(f"\n{title}")
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"  {label.ljust(width)}  {value}")
