"""Meeting rules enforced when the matter closes, not only when counts are entered.

* Law 10/2022 Art. 19(1)(b): a meeting whose attendance made the threshold unreachable cannot be
  closed as "not adopted": the village goes on to a household ballot.
* Decree 59/2023 Art. 3(5): the counting committee needs more than half of those present.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from danchu.core.errors import ApplicationError
from danchu.decisions import services
from danchu.decisions.models import Matter, MatterVillage, Option
from danchu.decisions.rules import MatterType
from danchu.decisions.tests.factories import (
    TEAM,
    WITNESSES,
    days_ago,
    households_of,
    in_hours,
    make_matter,
    make_village,
    matter_village,
    open_meeting,
    option,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def hundred(commune):
    return make_village(commune, households=100)


@pytest.fixture
def small(commune):
    return make_village(commune, households=5)


def _attend(official, matter, present) -> MatterVillage:
    mv = matter_village(matter)
    ids = [h.pk for h in households_of(mv.village)[:present]]
    return services.meeting_attendance_record(actor=official, matter_village=mv, household_ids=ids)


@pytest.mark.parametrize(
    ("matter_type", "present", "closes"),
    [
        # Contributions: 67 of 100 are needed; 66 present cannot reach it.
        (MatterType.CONTRIBUTIONS, 66, False),
        (MatterType.CONTRIBUTIONS, 67, True),
        # Other matters: 51 of 100; 50 present cannot reach it.
        (MatterType.OTHER, 50, False),
        (MatterType.OTHER, 51, True),
    ],
)
def test_an_unreachable_meeting_goes_to_the_ballot_not_to_not_adopted(
    hundred, official, matter_type, present, closes
):
    matter = make_matter(official, [hundred], matter_type)
    open_meeting(official, matter)
    mv = _attend(official, matter, present)
    if closes:
        services.meeting_result_record(
            actor=official, matter_village=mv, counts={option(matter).pk: present - 1}
        )
        matter = services.matter_close(actor=official, matter=matter)
        assert matter_village(matter).adopted is False
        return
    # Even with counts entered, the unreachable meeting does not close.
    services.meeting_result_record(
        actor=official, matter_village=mv, counts={option(matter).pk: present}
    )
    with pytest.raises(ApplicationError) as exc:
        services.matter_close(actor=official, matter=matter)
    assert exc.value.code == "ballot_required"
    assert "Luật 10/2022 Điều 19(1)(b)" in exc.value.message
    matter.refresh_from_db()
    assert matter.status == Matter.Status.OPEN
    assert services.ballot_fallback_allowed(matter_village(matter))


@pytest.mark.parametrize(("present", "closes"), [(50, False), (51, True)])
def test_a_convention_meeting_of_half_the_households_goes_to_the_ballot(
    hundred, official, present, closes
):
    matter = make_matter(official, [hundred], MatterType.CONVENTION)
    open_meeting(official, matter)
    mv = _attend(official, matter, present)
    if not closes:
        with pytest.raises(ApplicationError) as exc:
            services.matter_close(actor=official, matter=matter)
        assert exc.value.code == "ballot_required"
        return
    services.meeting_result_record(
        actor=official, matter_village=mv, counts={option(matter).pk: present}
    )
    assert matter_village(services.matter_close(actor=official, matter=matter)).adopted is True


def test_after_the_switch_the_ballot_decides_and_may_fail(hundred, official):
    matter = make_matter(official, [hundred], MatterType.CONTRIBUTIONS)
    open_meeting(official, matter, notice_on=days_ago(5), held_on=days_ago(2))
    mv = _attend(official, matter, 10)
    services.matter_switch_to_ballot(
        actor=official, matter_village=mv, notice_on=days_ago(2),
        held_on=timezone.localdate(), closes_at=in_hours(1), team=TEAM,
    )  # fmt: skip
    MatterVillage.objects.filter(pk=mv.pk).update(closes_at=in_hours(-1))
    services.count_witnesses_record(
        actor=official, matter_village=matter_village(matter), witnesses=WITNESSES
    )
    matter = services.matter_close(actor=official, matter=matter)
    assert matter_village(matter).adopted is False


def _secret_count(official, matter, present, approved_by):
    mv = _attend(official, matter, present)
    return services.meeting_result_record(
        actor=official, matter_village=mv, counts={option(matter).pk: present}, secret=True,
        team=TEAM, witnesses=WITNESSES, team_approved_by=approved_by,
    )  # fmt: skip


@pytest.mark.parametrize(("approved_by", "closes"), [(2, False), (3, True)])
def test_the_counting_committee_needs_more_than_half_of_those_present_at_closing(
    small, official, approved_by, closes
):
    """4 present: 2 (exactly half) is not enough, 3 is. A row whose approval was entered
    wrongly (or before the rule was checked) is refused when the matter closes."""
    matter = make_matter(official, [small])
    open_meeting(official, matter)
    mv = _secret_count(official, matter, 4, 3)
    assert mv.team_approved_by == 3
    MatterVillage.objects.filter(pk=mv.pk).update(team_approved_by=approved_by)
    if closes:
        services.matter_close(actor=official, matter=matter)
        return
    with pytest.raises(ApplicationError) as exc:
        services.matter_close(actor=official, matter=matter)
    assert exc.value.code == "team_not_approved"
    assert "Nghị định 59/2023 Điều 3(5)" in exc.value.message


def test_a_committee_without_its_approval_does_not_close(small, official):
    matter = make_matter(official, [small])
    open_meeting(official, matter)
    mv = _secret_count(official, matter, 4, None)
    assert mv.team_approved_by is None
    with pytest.raises(ApplicationError) as exc:
        services.matter_close(actor=official, matter=matter)
    assert exc.value.code == "team_not_approved"


def test_exactly_half_is_refused_when_entered_too(small, official):
    matter = make_matter(official, [small])
    open_meeting(official, matter)
    with pytest.raises(ApplicationError) as exc:
        _secret_count(official, matter, 4, 2)
    assert exc.value.code == "team_not_approved"


def test_a_show_of_hands_without_a_committee_closes(small, official):
    matter = make_matter(official, [small])
    open_meeting(official, matter)
    mv = _attend(official, matter, 5)
    services.meeting_result_record(actor=official, matter_village=mv, counts={option(matter).pk: 3})
    matter = services.matter_close(actor=official, matter=matter)
    assert matter_village(matter).adopted is True
    assert Option.objects.filter(matter=matter).count() == 3


def test_the_meeting_page_keeps_the_committees_approval(client, small, official):
    import re

    from django.urls import reverse

    matter = make_matter(official, [small])
    open_meeting(official, matter)
    mv = _secret_count(official, matter, 4, 3)
    client.force_login(official)
    page = client.get(reverse("decisions:bo_meeting", args=[mv.pk])).content.decode()
    field = re.search(r'<input[^>]*name="team_approved_by"[^>]*>', page)
    assert field is not None
    assert 'value="3"' in field.group(0)
