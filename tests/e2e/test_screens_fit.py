"""Each journey's pages fit a phone (390 px) and a laptop (1280 px), in both languages; the
board's cards move by drag and drop.

Screenshots of every page go to pytest's tmp directory (never committed), for a look when
a check fails: ``pytest tests/e2e/test_screens_fit.py --basetemp=/tmp/screens``.
"""

import re

import pytest
from playwright.sync_api import expect

from funds.models import Deal
from members import roles
from members.choices import MembershipRole
from tests.e2e.conftest import LANGUAGES
from tests.e2e.test_achievement_journey import log_in
from tests.factories import (
    CommitmentFactory,
    DealFactory,
    FundFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (390, 1280)

# What sticks out of the viewport, outside any box that scrolls or clips it.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const found = [];
  const root = document.documentElement;
  if (root.scrollWidth > width) found.push(`page is ${root.scrollWidth}px wide`);
  for (const node of document.body.querySelectorAll("*")) {
    const box = node.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.right <= width + 1) continue;
    let inside = false;
    for (let up = node.parentElement; up && up !== document.body; up = up.parentElement) {
      if (/(auto|scroll|hidden|clip)/.test(getComputedStyle(up).overflowX)) {
        inside = true;
        break;
      }
    }
    const name = `${node.tagName.toLowerCase()}.${node.className}`;
    if (!inside) found.push(`${name} ends at ${Math.round(box.right)}px`);
  }
  return found.slice(0, 8);
}"""


@pytest.fixture
def sized_page(browser, live_server, language):
    """A page of a fresh context at the given width, in the test's language."""
    contexts = []

    def open_page(width):
        context = browser.new_context(
            locale=LANGUAGES[language],
            base_url=live_server.url,
            viewport={"width": width, "height": 860},
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def check_fits(page, shots, name):
    width = page.viewport_size["width"]
    page.screenshot(path=shots / f"{name}-{width}.png", full_page=True)
    overflow = page.evaluate(OVERFLOW)
    assert not overflow, f"{page.url} at {width}px: {overflow}"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_public_journey_fits_the_screen(sized_page, language, width, tmp_path, alliance_a):
    MembershipFactory(
        alliance=alliance_a,
        role=MembershipRole.CHAIRMAN,
        organization__name="中国科学院大连化学物理研究所（一个很长的单位名称用于测试换行）",
    )
    MembershipFactory.create_batch(3, alliance=alliance_a, organization__kind="enterprise")
    target = MembershipFactory(
        alliance=alliance_a, organization__name="唯一研究所", organization__kind="institute"
    )
    page = sized_page(width)
    page.goto("/")
    check_fits(page, tmp_path, "home")

    # The directory search filters, though the kind select sends an empty value.
    page.goto(f"/alliances/{alliance_a.slug}/")
    check_fits(page, tmp_path, "alliance")
    page.get_by_role("searchbox").fill("唯一")
    page.get_by_role("searchbox").press("Enter")
    directory = page.get_by_test_id("directory")
    expect(directory.locator("tbody tr")).to_have_count(1)
    organization = target.organization
    expect(directory).to_contain_text(
        organization.name_en if language == "en" else organization.name
    )
    expect(page.get_by_test_id("result-count")).to_contain_text("1")
    check_fits(page, tmp_path, "directory-search")

    page.goto("/join/")
    check_fits(page, tmp_path, "join")
    page.get_by_test_id("application-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    expect(page.locator(".has-error :is(input, select, textarea)").first).to_be_focused()
    check_fits(page, tmp_path, "join-errors")

    page.select_option("#id_alliance", str(alliance_a.pk))
    page.fill("#id_organization_name", "手机申请单位")
    page.select_option("#id_kind", "enterprise")
    page.fill("#id_contact_name", "赵工")
    page.fill("#id_contact_email", "zhao@example.cn")
    page.fill("#id_motivation", "希望加入。")
    page.get_by_test_id("application-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("application-reference")).to_have_text(re.compile(r"SQ-\d{4}-\d+"))
    check_fits(page, tmp_path, "join-done")
    page.get_by_test_id("application-status-link").click()
    expect(page.get_by_test_id("application-status")).to_have_text(
        {"en": "Pending", "zh-hans": "待审核"}[language]
    )
    check_fits(page, tmp_path, "join-status")

    page.goto("/no-such-page/")
    expect(page.get_by_test_id("error-404")).to_be_visible()
    check_fits(page, tmp_path, "404")


@pytest.fixture
def board_deal():
    manager = UserFactory(username="board_mgr", groups=[roles.FUND_MANAGER])
    fund = FundFactory(name="拖放基金", team=[manager])
    CommitmentFactory(fund=fund, amount="500000000.00")
    return DealFactory(fund=fund, owner=manager, company__name="拖放科技有限公司")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_fund_pages_fit_the_screen(sized_page, width, tmp_path, board_deal):
    page = sized_page(width)
    log_in(page, "board_mgr")
    for name, url in (
        ("funds", "/funds/"),
        ("fund", f"/funds/{board_deal.fund_id}/"),
        ("board", f"/funds/{board_deal.fund_id}/board/"),
        ("deals", f"/funds/{board_deal.fund_id}/deals/"),
        ("deal", f"/deals/{board_deal.pk}/"),
    ):
        page.goto(url)
        check_fits(page, tmp_path, name)


def _drag(page, card, column):
    """Drag with the mouse in small steps, as a person does (SortableJS follows pointer
    events)."""
    source = card.bounding_box()
    target = column.bounding_box()
    page.mouse.move(source["x"] + 20, source["y"] + 10)
    page.mouse.down()
    page.mouse.move(source["x"] + 30, source["y"] + 20, steps=5)
    page.mouse.move(target["x"] + 40, target["y"] + 30, steps=15)
    page.mouse.move(target["x"] + 45, target["y"] + 35, steps=5)
    page.mouse.up()


def test_a_card_moves_by_drag_and_drop_and_an_illegal_drop_snaps_back(
    sized_page, language, tmp_path, board_deal
):
    page = sized_page(1280)
    log_in(page, "board_mgr")
    page.goto(f"/funds/{board_deal.fund_id}/board/")
    card = page.get_by_test_id(f"deal-{board_deal.pk}")

    # Sourced → committee skips two stages: the service refuses, the card goes back.
    _drag(page, card, page.locator("[data-stage-list=committee]"))
    expect(page.get_by_test_id("board-status")).to_contain_text(
        {"en": "cannot move", "zh-hans": "不能"}[language]
    )
    expect(
        page.locator("[data-stage-list=sourced]").get_by_test_id(f"deal-{board_deal.pk}")
    ).to_be_visible()
    board_deal.refresh_from_db()
    assert board_deal.stage == "sourced"

    # Sourced → screening is the next stage: the card stays there after the page reloads.
    _drag(
        page,
        page.get_by_test_id(f"deal-{board_deal.pk}"),
        page.locator("[data-stage-list=screening]"),
    )
    expect(
        page.locator("[data-stage-list=screening]").get_by_test_id(f"deal-{board_deal.pk}")
    ).to_be_visible()
    expect(page.locator(".messages li.success")).to_be_visible()
    page.screenshot(path=tmp_path / "board-after-drag.png", full_page=True)
    assert Deal.objects.get(pk=board_deal.pk).stage == "screening"


# Columns a secretariat must see without scrolling sideways on a laptop.
ADMIN_LISTS = ("/admin/members/membership/", "/admin/members/membershipevent/")

# The right edge of the rightmost column header of the change list.
LAST_COLUMN_RIGHT = """() => {
  const cells = document.querySelectorAll("#result_list thead th");
  return cells.length ? Math.round(cells[cells.length - 1].getBoundingClientRect().right) : null;
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_the_secretariats_lists_fit_the_screen(
    sized_page, width, tmp_path, secretariat_a, alliance_a
):
    from members.services import membership_suspend

    long_name = "中国科学院大连化学物理研究所（一个很长的单位名称用于测试换行）"
    membership = MembershipFactory(alliance=alliance_a, organization__name=long_name)
    membership_suspend(membership=membership, actor=secretariat_a, comment="逾期未缴会费")
    page = sized_page(width)
    page.goto("/admin/login/")
    page.fill("#id_username", "sec_a")
    page.fill("#id_password", "pass-word-123")
    page.locator("input[type=submit]").click()
    rows = dict(zip(ADMIN_LISTS, (1, 1), strict=True))  # the membership; its suspension
    for url in ADMIN_LISTS:
        page.goto(url)
        expect(page.locator("#result_list tbody tr")).to_have_count(rows[url])
        check_fits(page, tmp_path, url.strip("/").replace("/", "-"))
        if width >= 1280:
            # Status, term and actor stay in sight: no column past the window's edge.
            assert page.evaluate(LAST_COLUMN_RIGHT) <= width, f"{url}: columns past {width}px"
