"""Call notices a partner can act on: the PDF, the page that shares its template, and the
mail that carries it when a call is issued."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail

from core.models import OutboxAttachment, OutboxMessage, OutboxStatus
from core.tasks import send_outbox_message
from funds import notices, services
from funds.models import CapitalCall
from tests.factories import CommitmentFactory, ContactFactory, FundFactory, OrganizationFactory
from tests.pdf import pdf_fonts, pdf_text

pytestmark = pytest.mark.django_db

D = Decimal
CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
DUE = datetime.date(2026, 3, 31)


@pytest.fixture
def fund(manager_x):
    return FundFactory(
        name="先进材料产业基金N",
        team=[manager_x],
        bank_account_name="先进材料产业基金N（有限合伙）",
        bank_name="中国工商银行滕州支行",
        bank_account_number="1605 0012 3456 7890 123",
    )


@pytest.fixture
def partner(fund):
    partner = OrganizationFactory(name="中国科学院控股有限公司N", name_en="CAS Holdings N")
    CommitmentFactory(fund=fund, limited_partner=partner, amount=D("300000000.00"))
    ContactFactory(organization=partner, name="李明", email="li.ming@cas-n.cn")
    ContactFactory(
        organization=partner,
        name="王晓明",
        title="投资总监",
        email="wang@cas-n.cn",
        phone="010-6859 7000",
        is_primary=True,
    )
    return partner


@pytest.fixture
def other(fund):
    """A partner with no contact: nobody to mail."""
    other = OrganizationFactory(name="山东省引导基金N")
    CommitmentFactory(fund=fund, limited_partner=other, amount=D("200000000.00"))
    return other


def issue(fund, actor, amount, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.capital_call_create(
            fund=fund,
            actor=actor,
            amount=D(amount),
            call_date=datetime.date(2026, 3, 2),
            due_date=DUE,
            purpose="聚乳酸项目投资",
        )


@pytest.fixture
def call(fund, partner, other, manager_x, django_capture_on_commit_callbacks):
    # 250,000 split 3 : 2 → 150,000.00 and 100,000.00.
    return issue(fund, manager_x, "250000.00", django_capture_on_commit_callbacks)


def allocation_of(call, partner):
    return call.allocations.get(limited_partner=partner)


def pdf_url(call, allocation):
    return f"/calls/{call.pk}/notices/{allocation.pk}/pdf/"


def test_the_notice_pdf_reads_in_chinese(client, manager_x, call, other, fund):
    allocation = allocation_of(call, other)
    # The contactless partner gets a liaison now, for the notice to name.
    ContactFactory(organization=other, name="赵敏", is_primary=True)
    client.force_login(manager_x)
    response = client.get(pdf_url(call, allocation), **CHINESE)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reference = f"F{fund.pk}-01-{other.pk}"
    assert f'filename="call-notice-{reference}.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content)
    for expected in (
        "先进材料产业基金N",
        "山东省引导基金N",  # the addressee
        "赵敏",  # its liaison
        "100,000.00 元",
        "人民币壹拾万元整",
        "200,000,000.00 元",  # its commitment
        "缴款截止日",
        "2026-03-31",
        "先进材料产业基金N（有限合伙）",
        "中国工商银行滕州支行",
        "1605 0012 3456 7890 123",
        reference,
        "聚乳酸项目投资",
    ):
        assert expected in text, expected
    # The old mistranslations are gone: "To" was 新状态 and the unpaid status 计划完成.
    assert "新状态" not in text
    assert "计划完成" not in text
    fonts = pdf_fonts(response.content)
    assert "Noto-Sans-CJK-SC" in fonts
    assert all(" yes " in line for line in fonts.splitlines()[2:] if line.strip())  # embedded


def test_the_notice_pdf_reads_in_english(client, manager_x, call, partner, fund):
    allocation = allocation_of(call, partner)
    client.force_login(manager_x)
    text = pdf_text(client.get(pdf_url(call, allocation), **ENGLISH).content)
    for expected in (
        "capital call notice no. 1",
        "Addressee",
        "CAS Holdings N",  # the partner's English name, where it has one
        "Liaison",
        "王晓明",  # the primary contact, not the first by name
        "投资总监",
        "wang@cas-n.cn",
        "CNY 150,000.00",
        "One hundred fifty thousand yuan only",
        "人民币壹拾伍万元整",  # labelled as the statutory form
        "Payment due by",
        "2026-03-31",
        "Account number",
        "1605 0012 3456 7890 123",
        f"F{fund.pk}-01-{partner.pk}",
        "Unpaid",
    ):
        assert expected in text, expected
    assert "李明" not in text


def test_a_notice_without_the_funds_bank_account_says_so(client, manager_x, call, partner, fund):
    fund.bank_name = fund.bank_account_number = ""
    fund.save()
    client.force_login(manager_x)
    page = client.get(f"/calls/{call.pk}/notices/{allocation_of(call, partner).pk}/", **ENGLISH)
    assert 'data-testid="notice-no-bank"' in page.content.decode()
    text = pdf_text(client.get(pdf_url(call, allocation_of(call, partner)), **ENGLISH).content)
    assert "bank account is not recorded yet" in text
    assert f"F{fund.pk}-01-{partner.pk}" in text


def test_the_notice_page_shares_the_pdfs_letter(client, manager_x, call, partner, fund):
    allocation = allocation_of(call, partner)
    client.force_login(manager_x)
    page = client.get(f"/calls/{call.pk}/notices/{allocation.pk}/", **CHINESE).content.decode()
    assert '<strong data-testid="notice-amount">150,000.00 元</strong>' in page
    assert '<td data-testid="notice-capitals">人民币壹拾伍万元整</td>' in page
    assert '<strong data-testid="notice-liaison">王晓明</strong>' in page
    assert 'data-testid="notice-bank"' in page
    assert f'data-testid="notice-reference">F{fund.pk}-01-{partner.pk}<' in page
    assert f'href="{pdf_url(call, allocation)}"' in page
    assert "新状态" not in page and "计划完成" not in page


def test_issuing_a_call_mails_each_reachable_partner_its_notice(call, partner, fund):
    assert len(mail.outbox) == 1  # the other partner has no contact to mail
    message = mail.outbox[0]
    assert message.to == ["wang@cas-n.cn"]  # the primary contact only
    reference = f"F{fund.pk}-01-{partner.pk}"
    assert reference in message.body
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (f"call-notice-{reference}.pdf", "application/pdf")
    text = pdf_text(content)
    assert "人民币壹拾伍万元整" in text
    assert "王晓明" in text
    assert "1605 0012 3456 7890 123" in text
    # The mail states the amount as its reader reads money (separators, the currency named
    # the reader's way), in the language of whoever issued the call: English here.
    assert "calls CNY 150,000.00 of your commitment" in message.body


def test_a_call_issued_in_chinese_mails_the_amount_in_yuan(
    fund, partner, other, manager_x, django_capture_on_commit_callbacks
):
    from django.utils import translation

    with translation.override("zh-hans"):
        issue(fund, manager_x, "250000.00", django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert "150,000.00 元" in message.body
    assert "CNY" not in message.body


def test_a_notice_that_cannot_be_printed_does_not_stop_the_call(
    fund, partner, manager_x, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(context, request=None):
        raise OSError("no fonts")

    monkeypatch.setattr(notices, "notice_pdf", broken)
    call = issue(fund, manager_x, "1000.00", django_capture_on_commit_callbacks)
    assert CapitalCall.objects.filter(pk=call.pk).exists()
    assert allocation_of(call, partner).amount == D("1000.00")
    assert call.mailing.queued == ["wang@cas-n.cn"]
    # The worker could not print the notice: the attempt failed and is tried again later
    # (the mail promises the notice), nothing was sent without it.
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (OutboxStatus.QUEUED, 1)
    assert "no fonts" in message.last_error
    assert mail.outbox == []


def test_issuing_a_call_does_not_wait_for_the_printing(
    fund, partner, manager_x, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    call = issue(fund, manager_x, "1000.00", django_capture_on_commit_callbacks)
    [attachment] = OutboxAttachment.objects.filter(message__recipient="wang@cas-n.cn")
    assert attachment.content is None  # printed by the worker, not by the request
    assert (attachment.renderer, attachment.key) == (
        "funds.call_notice",
        allocation_of(call, partner).pk,
    )
    assert send_outbox_message.call(attachment.message_id) == OutboxStatus.SENT
    attachment.refresh_from_db()
    assert bytes(attachment.content).startswith(b"%PDF-")
    assert mail.outbox[0].attachments[0][0] == f"call-notice-F{fund.pk}-01-{partner.pk}.pdf"


def test_amounts_in_yi_read_in_capital_numerals(client, manager_x, fund, partner, call):
    call_2 = CapitalCall.objects.create(
        fund=fund,
        number=2,
        amount=D("150000000.00"),
        call_date=datetime.date(2026, 4, 1),
        due_date=datetime.date(2026, 4, 30),
    )
    allocation = call_2.allocations.create(limited_partner=partner, amount=D("150000000.00"))
    client.force_login(manager_x)
    text = pdf_text(client.get(pdf_url(call_2, allocation), **CHINESE).content)
    assert "150,000,000.00 元" in text
    assert "人民币壹亿伍仟万元整" in text


def test_another_funds_manager_and_the_anonymous_get_no_notice(client, call, partner, manager_y):
    url = pdf_url(call, allocation_of(call, partner))
    client.force_login(manager_y)
    assert client.get(url).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_allocation_of_another_call_is_not_found(client, manager_x, call, partner, fund):
    client.force_login(manager_x)
    allocation = allocation_of(call, partner)
    assert client.get(f"/calls/{call.pk + 999}/notices/{allocation.pk}/pdf/").status_code == 404
    assert client.get(f"/calls/{call.pk}/notices/{allocation.pk + 999}/pdf/").status_code == 404


def test_the_funds_calls_name_each_partners_payment_and_the_sum_paid_in(
    client,
    manager_x,
    call,
    partner,
    other,
    fund,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    """Tried as an outsider: the calls' "Paid" column showed status badges naming nobody
    and no amount. It names each partner and says what the call has been paid in."""
    services.payment_record(
        capital_call=call,
        limited_partner=partner,
        actor=manager_x,
        amount=D("150000.00"),
        paid_on=datetime.date(2026, 3, 10),
    )
    client.force_login(manager_x)
    page = client.get(f"/funds/{fund.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    table = page.split('data-testid="calls"')[1].split("</table>")[0]
    assert "15 万元" in table  # paid in: 150,000 of the 250,000 called
    assert "中国科学院控股有限公司N · 已缴付" in table
    assert "山东省引导基金N · " in table
    assert 'title="0.00 元 / 100,000.00 元"' in table
    # The table's queries do not grow with its calls and partners.
    issue(fund, manager_x, "100000.00", django_capture_on_commit_callbacks)
    with django_assert_max_num_queries(40):
        client.get(f"/funds/{fund.pk}/")
