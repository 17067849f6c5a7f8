"""The flow diagram: every band carries its number, a tooltip and the list behind it."""

from canal.dashboard import HopFigures
from canal.sankey import diagram


def _hop(key, count, went_on=None, skipped_in=0, chain="industrial"):
    return HopFigures(
        key=key,
        label=key.title(),
        chain=chain,
        count=count,
        conversion=None,
        median_days=None,
        p90_days=None,
        went_on=went_on,
        skipped_in=skipped_in,
    )


def test_bands_for_those_that_went_on_were_lost_and_skipped_in():
    figures = [
        _hop("industrialization", 3),
        _hop("market", 2, went_on=2),
        _hop("deal", 1, went_on=0, skipped_in=1, chain="capital"),
    ]
    shapes = {(s.kind, s.key): s for s in diagram(figures, "alliance=4")["shapes"]}
    assert set(shapes) == {
        ("node", "industrialization"),
        ("node", "market"),
        ("node", "deal"),
        ("flow", "market"),
        ("loss", "industrialization"),
        ("loss", "market"),
        ("skip", "deal"),
    }
    assert shapes[("flow", "market")].title == "2 went on from “Industrialization” to “Market”"
    assert (
        shapes[("flow", "market")].href == "?alliance=4&hop=market&also=industrialization#hop-list"
    )
    assert shapes[("loss", "industrialization")].title == (
        "1 in “Industrialization” did not reach “Market”"
    )
    assert shapes[("loss", "industrialization")].href.endswith(
        "hop=industrialization&without=market#hop-list"
    )
    assert shapes[("skip", "deal")].title == "1 reached “Deal” without “Market”"
    assert shapes[("node", "deal")].chain == "capital"
    assert shapes[("node", "market")].title == "Market: 2 achievements"


def test_an_empty_canal_draws_empty_columns():
    drawn = diagram([_hop("submitted", 0), _hop("accepted", 0, went_on=0)])
    assert [s.kind for s in drawn["shapes"]] == ["node", "node"]
