"""End to end: a real ``manage.py db_worker`` process sends what a committed change queued."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection, transaction

from core.models import OutboxMessage, OutboxStatus
from core.notify import Party, notify_on_commit

ROOT = Path(__file__).resolve().parent.parent
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _database_url() -> str:
    """The test database, for the worker (a socket directory's path is percent-encoded)."""
    params = connection.settings_dict
    password = f":{quote(params['PASSWORD'], safe='')}" if params.get("PASSWORD") else ""
    host = quote(params.get("HOST") or "127.0.0.1", safe="")
    return f"postgres://{params['USER']}{password}@{host}:{params['PORT'] or 5432}/{params['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_a_queued_message(settings):
    settings.TASKS = DB_TASKS
    with transaction.atomic():
        mailing = notify_on_commit(
            subject="联盟通知", body="正文", to=[Party.of("测试单位", ["w@example.cn"])]
        )
    assert mailing.queued == ["w@example.cn"]
    message = OutboxMessage.objects.get()
    assert message.status == OutboxStatus.QUEUED

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "alliance.settings_test",
        "DATABASE_URL": _database_url(),
        "ALLIANCE_TEST_TASKS": "database",
    }
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--batch",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT, result.stdout + result.stderr
    assert message.attempts == 1
    assert message.sent_at is not None
