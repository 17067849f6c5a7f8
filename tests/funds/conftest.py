import pytest

from members import roles
from tests.factories import CommitmentFactory, DealFactory, FundFactory, UserFactory


@pytest.fixture
def manager_x():
    return UserFactory(username="mgr_x", groups=[roles.FUND_MANAGER])


@pytest.fixture
def manager_x2():
    return UserFactory(username="mgr_x2", groups=[roles.FUND_MANAGER])


@pytest.fixture
def manager_y():
    return UserFactory(username="mgr_y", groups=[roles.FUND_MANAGER])


@pytest.fixture
def fund_x(manager_x, manager_x2):
    fund = FundFactory(name="基金X", team=[manager_x, manager_x2])
    CommitmentFactory(fund=fund, amount="1000000.00")
    return fund


@pytest.fixture
def fund_y(manager_y):
    fund = FundFactory(name="基金Y", team=[manager_y])
    CommitmentFactory(fund=fund)
    return fund


@pytest.fixture
def deal_x(fund_x, manager_x):
    return DealFactory(fund=fund_x, owner=manager_x)


@pytest.fixture
def deal_y(fund_y, manager_y):
    return DealFactory(fund=fund_y, owner=manager_y)
