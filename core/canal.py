"""The canal: one achievement's thread from IP to IPO across the three chains.

Each hop is a dated event from the recorded history (status changes and the dates the
project moves set), never "now": the days a hop took are the days between it and the
previous hop that was reached; a hop that began before the previous one (a deal sourced
while the product was still in industrialization, say) took 0 days. Apps add their hops
through ``register_hops``: the projects app gives pilot, industrialization and market; the
funds app the deal, investment and exit.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The hops in the order of the canal, with their labels.
HOPS = [
    ("submitted", _("Submitted")),
    ("accepted", _("Accepted")),
    ("pilot", _("Pilot scale-up")),
    ("industrialization", _("Industrialization")),
    ("market", _("On the market")),
    ("deal", _("In the fund's deal flow")),
    ("invested", _("Invested")),
    ("exited", _("Exited")),
]
CHAIN = {
    "submitted": "innovation",
    "accepted": "innovation",
    "pilot": "industrial",
    "industrialization": "industrial",
    "market": "industrial",
    "deal": "capital",
    "invested": "capital",
    "exited": "capital",
}


@dataclass
class Hop:
    key: str
    label: str
    chain: str
    on: datetime.date | None = None
    organization: str | None = None
    days: int | None = None
    link: str | None = None

    @property
    def reached(self) -> bool:
        return self.on is not None


# A provider answers {hop key: (date, organisation name, link)} for an achievement.
HopProvider = Callable[[object, object], dict[str, tuple]]
_providers: list[HopProvider] = []


def register_hops(provider: HopProvider) -> None:
    _providers.append(provider)


def _date(value) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date()
    return value


def achievement_thread(achievement, user) -> list[Hop]:
    """The hops of ``achievement`` that ``user`` may see, each with its date and days."""
    found: dict[str, tuple] = {}
    for provider in _providers:
        found.update(provider(achievement, user))
    hops = []
    previous = None
    for key, label in HOPS:
        on, organization, link = found.get(key, (None, None, None))
        hop = Hop(
            key=key,
            label=str(label),
            chain=CHAIN[key],
            on=_date(on),
            organization=organization,
            link=link,
        )
        if hop.on is not None:
            if previous is not None:
                hop.days = max(0, (hop.on - previous).days)
            previous = max(previous, hop.on) if previous is not None else hop.on
        hops.append(hop)
    return hops
