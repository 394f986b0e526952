"""The boards' figures add up exactly from villages to communes to the province."""

from __future__ import annotations

import datetime

from danchu.oversight import selectors, services
from danchu.oversight.tests import factories as f
from danchu.territory.tests.factories import CommuneFactory

D = datetime.date


def _commune_with_work(commune, who, seats):
    """An inspection board; an inspection and a recommendation per village, plus a commune-wide
    inspection and recommendation without a village."""
    f.elected_board(commune, who.front, seats)
    made = []
    for index, village in enumerate([*seats[:3], None]):
        starts_on = D(2026, 11, 9)
        inspection = services.inspection_plan(
            actor=who.inspector, commune=commune, board_kind="inspection", subject="s",
            inspected_party="p", notified_on=f.MONDAY, starts_on=starts_on, village=village,
        )  # fmt: skip
        services.inspection_record(
            actor=who.inspector, inspection=inspection, carried_out_on=starts_on, findings="f"
        )
        made.append(
            services.recommendation_make(
                actor=who.inspector,
                commune=commune,
                board_kind="inspection",
                content="c",
                votes_for=3,
                received_on=starts_on + datetime.timedelta(days=index),
                inspection=inspection,
            )  # fmt: skip
        )
    return made


def test_figures_add_up_across_levels(commune):
    province = commune.parent
    second = CommuneFactory(parent=province)
    who_a, who_b = f.people(commune), f.people(second)
    a = _commune_with_work(commune, who_a, f.villages(commune, 5))
    b = _commune_with_work(second, who_b, f.villages(second, 5))
    # A: one answered on its due day, one late, one unanswered (overdue), one pending.
    services.recommendation_answer(
        actor=who_a.chair, recommendation=a[0], answer="x", answered_on=a[0].due_on
    )
    services.recommendation_answer(
        actor=who_a.chair, recommendation=a[1], answer="x",
        answered_on=a[1].due_on + datetime.timedelta(days=1),
    )  # fmt: skip
    services.recommendation_answer(
        actor=who_b.chair, recommendation=b[3], answer="x", answered_on=b[3].received_on
    )
    first, last = D(2026, 11, 1), D(2026, 11, 30)
    as_of = a[2].due_on + datetime.timedelta(days=1)  # a[2] overdue; a[3] due the day after
    assert a[3].due_on >= as_of
    fig_a = selectors.oversight_figures(commune, first, last, as_of=as_of)
    fig_b = selectors.oversight_figures(second, first, last, as_of=as_of)
    fig_p = selectors.oversight_figures(province, first, last, as_of=as_of)
    assert (fig_a.total.inspections, fig_a.total.recommendations) == (4, 4)
    assert (fig_a.total.answered_on_time, fig_a.total.overdue) == (1, 2)
    assert fig_a.total.pending == 1
    # A commune = its villages + its commune-wide rows.
    village_sum = selectors.Counts()
    for counts in fig_a.by_village.values():
        village_sum.add(counts)
    village_sum.add(fig_a.commune_wide[commune.pk])
    assert village_sum == fig_a.total
    # Each village's own figures equal its row in the commune's breakdown.
    for village_id, counts in fig_a.by_village.items():
        village = commune.villages.get(pk=village_id)
        assert selectors.oversight_figures(village, first, last, as_of=as_of).total == counts
    # The province = the sum of its communes.
    province_sum = selectors.Counts()
    province_sum.add(fig_a.total)
    province_sum.add(fig_b.total)
    assert province_sum == fig_p.total
    assert fig_p.by_commune == {commune.pk: fig_a.total, second.pk: fig_b.total}


def test_period_bounds_are_inclusive(commune):
    who = f.people(commune)
    _commune_with_work(commune, who, f.villages(commune, 5))
    day = D(2026, 11, 9)
    assert selectors.oversight_figures(commune, day, day).total.inspections == 4
    assert selectors.oversight_figures(commune, day, day).total.recommendations == 1
    after = day + datetime.timedelta(days=1)
    assert selectors.oversight_figures(commune, after, D(2026, 12, 31)).total.inspections == 0
    assert selectors.oversight_figures(commune, after, day).total.inspections == 0
