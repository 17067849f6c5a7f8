"""The project page shows its budget in the reader's language."""

from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db


def test_project_budget_in_both_languages(client, secretariat_a, project_a):
    project_a.budget = Decimal("850000000.00")
    project_a.save(update_fields=["budget"])
    client.force_login(secretariat_a)
    url = f"/projects/{project_a.pk}/"
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<dd title="850,000,000.00 元">8.5 亿元</dd>' in chinese
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<dd title="CNY 850,000,000.00">CNY 850 million</dd>' in english


def test_project_without_budget_shows_a_dash(client, secretariat_a, project_a):
    client.force_login(secretariat_a)
    page = client.get(f"/projects/{project_a.pk}/").content.decode()
    assert "<dt>Budget</dt><dd>—</dd>" in page
