"""Defects found in review: far-future plans, odd digits and huge ids as input, and a village
head reading other villages' matters."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from danchu.core.errors import PermissionDenied, ValidationFailed
from danchu.decisions import selectors, services
from danchu.decisions.rules import Form
from danchu.decisions.tests.factories import (
    TEAM,
    days_ago,
    make_matter,
    make_village,
    matter_village,
    open_ballot,
    village_head,
)

pytestmark = pytest.mark.django_db


def test_a_vote_cannot_be_planned_years_ahead(commune, official):
    village = make_village(commune, households=5)
    matter = make_matter(official, [village])
    far = timezone.now().replace(year=9999, month=12, day=31)
    with pytest.raises(ValidationFailed) as exc:
        services.matter_open(
            actor=official, matter=matter, form=Form.BALLOT, notice_on=days_ago(2),
            held_on=timezone.localdate(), closes_at=far, team=TEAM,
        )  # fmt: skip
    assert any("closes_at" in name for name in exc.value.fields)
    with pytest.raises(ValidationFailed) as exc:
        services.matter_open(
            actor=official, matter=matter, form=Form.MEETING, notice_on=days_ago(3),
            held_on=datetime.date(9999, 12, 31),
        )  # fmt: skip
    assert any("held_on" in name for name in exc.value.fields)


def test_a_village_head_sees_only_the_matters_of_their_village(commune, official):
    mine, theirs = make_village(commune, households=3), make_village(commune, households=3)
    head = village_head(mine)
    own = make_matter(official, [mine])
    other = make_matter(official, [theirs])
    assert list(selectors.matter_list(actor=head, commune=commune)) == [own]
    assert selectors.matter_get(actor=head, pk=own.pk) == own
    with pytest.raises(PermissionDenied):
        selectors.matter_get(actor=head, pk=other.pk)
    # Commune officials still see every matter.
    assert selectors.matter_list(actor=official, commune=commune).count() == 2


def test_odd_digits_and_huge_ids_are_client_errors(client, commune, official):
    village = make_village(commune, households=3)
    matter = make_matter(official, [village])
    open_ballot(official, matter)
    mv = matter_village(matter)
    client.force_login(official)
    mark = client.post(reverse("decisions:bo_mark", args=[mv.pk]), {"ballot": "²"})
    assert mark.status_code in (400, 404)
    conflicts = client.post(reverse("decisions:bo_conflicts", args=[matter.pk]), {"conflict": "²"})
    assert conflicts.status_code in (200, 400, 404)
    create = client.post(
        reverse("decisions:bo_list", args=[commune.code]),
        {
            "matter_type": "6", "title": "Đường", "question": "Đồng ý?",
            "villages": ["99999999999999999999"],
        },
    )  # fmt: skip
    assert create.status_code == 400
