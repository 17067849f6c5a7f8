"""The canal's hop registry: one achievement's thread from IP to IPO across the three chains.

What a hop *is* lives here once: its key, label and chain. When each achievement first
reached each hop is stored once, in ``projects.AchievementHops`` (one row per achievement,
one date per hop, written by the services in the transaction of each transition through
``projects.hops.mark``, and rebuilt from the recorded history by ``manage.py rebuild_canal``).
The thread, the dashboard, the API, the hop lists and the exports all read that row; nothing
recomputes a hop from the history on the fly. The semantics are in ``docs/canal.md``:

* an achievement **is in** a hop when that hop's date exists (nothing is inferred from a
  later hop: a deal referred during industrialization does not put it on the market);
* a hop's **days** run from the latest earlier hop (in the canal's order) reached on or
  before it; a hop not reached has no days, and a hop passed over is shown as **skipped**;
* a hop's **conversion** is the share of the achievements in the previous hop that reached
  it too.

Apps describe their hops for the thread (the organisation and the page behind each date)
through ``register_hops``, and tell ``rebuild_canal`` where their history is through
``register_history``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

INNOVATION, INDUSTRIAL, CAPITAL = "innovation", "industrial", "capital"

# The hops in the order of the canal: (key, label, chain).
HOP_TABLE = [
    ("submitted", _("Submitted"), INNOVATION),
    ("accepted", _("Accepted"), INNOVATION),
    ("pilot", _("Pilot scale-up"), INDUSTRIAL),
    ("industrialization", _("Industrialization"), INDUSTRIAL),
    ("market", _("On the market"), INDUSTRIAL),
    ("deal", _("In the fund's deal flow"), CAPITAL),
    ("invested", _("Invested"), CAPITAL),
    ("exited", _("Exited"), CAPITAL),
]
HOPS = [(key, label) for key, label, _chain in HOP_TABLE]
KEYS = [key for key, _label, _chain in HOP_TABLE]
LABELS = {key: label for key, label, _chain in HOP_TABLE}
CHAIN = {key: chain for key, _label, chain in HOP_TABLE}
CHAINS = [
    (INNOVATION, _("Innovation chain")),
    (INDUSTRIAL, _("Industrial chain")),
    (CAPITAL, _("Capital chain")),
]


def chain_keys(chain: str) -> list[str]:
    return [key for key in KEYS if CHAIN[key] == chain]


@dataclass
class Hop:
    key: str
    label: str
    chain: str
    on: datetime.date | None = None
    days: int | None = None
    organization: str | None = None
    link: str | None = None
    skipped: bool = False

    @property
    def reached(self) -> bool:
        return self.on is not None


@dataclass
class HopDetail:
    """Who acted at a reached hop, and the page behind it."""

    organization: str | None = None
    link: str | None = None


# A provider answers, for an achievement and a user, the hops of its chain the user may see
# ({key: HopDetail or None when not reached}): a hop it leaves out is not shown at all.
HopProvider = Callable[[object, object, dict], dict[str, HopDetail | None]]
_providers: list[HopProvider] = []
# Reads the stored hop row of an achievement: {key: date, f"{key}_days": days}.
_dates_reader: list[Callable[[object], dict]] = []
# name -> SQL answering (achievement_id, hop key, date) rows from an app's recorded history.
_history: dict[str, str] = {}


def register_hops(provider: HopProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def register_dates(reader: Callable[[object], dict]) -> None:
    _dates_reader[:] = [reader]


def register_history(name: str, sql: str) -> None:
    _history[name] = sql


def history_sources() -> dict[str, str]:
    return dict(_history)


def achievement_thread(achievement, user) -> list[Hop]:
    """The hops of ``achievement`` that ``user`` may see, each with the date and the days
    stored in the achievement's hop row."""
    dates = _dates_reader[0](achievement) if _dates_reader else {}
    shown: dict[str, HopDetail | None] = {}
    for provider in _providers:
        shown.update(provider(achievement, user, dates))
    hops = [
        Hop(
            key=key,
            label=str(label),
            chain=chain,
            on=dates.get(key),
            days=dates.get(f"{key}_days"),
            organization=(shown[key] or HopDetail()).organization,
            link=(shown[key] or HopDetail()).link,
        )
        for key, label, chain in HOP_TABLE
        if key in shown
    ]
    # A hop not reached while a later one was is skipped, not "not yet".
    reached_later = False
    for hop in reversed(hops):
        if hop.reached:
            reached_later = True
        elif reached_later:
            hop.skipped = True
    return hops
