"""Public pages of community decisions: list, filters, detail, the closed outcome, no running
tally while open, 404s and constant query counts."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from danchu.decisions import selectors, services
from danchu.decisions.rules import Form, MatterType
from danchu.decisions.tests.factories import (
    TEAM,
    days_ago,
    households_of,
    in_hours,
    make_matter,
    make_village,
    matter_village,
    official_of,
    open_meeting,
    option,
    representative,
)
from danchu.territory.tests.factories import VillageFactory
from danchu.web.tests.html_checks import assert_accessible

pytestmark = pytest.mark.django_db


def _list_url(commune):
    return reverse("decisions:public_list", args=[commune.code])


def _detail_url(matter):
    return reverse("decisions:public_detail", args=[matter.commune.code, matter.pk])


def _numbers_in_main(html):
    """The whole numbers shown in the page's main content (dates and times left out)."""
    main = html[html.index("<main") : html.index("</main>")]
    text = re.sub(r"<[^>]+>", " ", main)
    text = re.sub(r"[0-9]{1,2}[:/][0-9]{2}(/[0-9]{4})?", " ", text)
    return set(re.findall(r"(?<![0-9.])[0-9]+(?![0-9.])", text))


def _meeting_result(actor, matter, village, present, approvals):
    """A meeting in ``village``: ``present`` households attend, ``approvals`` agree."""
    mv = matter_village(matter, village)
    ids = [h.pk for h in households_of(village)[:present]]
    mv = services.meeting_attendance_record(actor=actor, matter_village=mv, household_ids=ids)
    services.meeting_result_record(
        actor=actor, matter_village=mv, counts={option(matter).pk: approvals}
    )


def _closed(official, villages, approvals, matter_type=MatterType.CONTRIBUTIONS, **kwargs):
    matter = make_matter(official, villages, matter_type, **kwargs)
    open_meeting(official, matter)
    for village, (present, yes) in zip(villages, approvals, strict=True):
        _meeting_result(official, matter, village, present, yes)
    return services.matter_close(actor=official, matter=matter)


@pytest.fixture
def hundred(commune):
    return make_village(commune, households=100, name="Thôn Đông")


# ---------------------------------------------------------------------------------------------
# The list


def test_list_shows_open_and_closed_matters_never_drafts_or_cancelled(
    client, commune, official, hundred
):
    make_matter(official, [hundred], title="Dự thảo chưa mở")
    cancelled = make_matter(official, [hundred], title="Đã hủy bỏ")
    services.matter_cancel(actor=official, matter=cancelled, reason="Nhầm nội dung.")
    opened = open_meeting(official, make_matter(official, [hundred], title="Đang bàn làm đường"))
    closed = _closed(official, [hundred], [(80, 67)])

    response = client.get(_list_url(commune))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Dự thảo chưa mở" not in html
    assert "Đã hủy bỏ" not in html
    assert "Đang bàn làm đường" in html
    assert f'href="{_detail_url(opened)}"' in html
    assert f'href="{_detail_url(closed)}"' in html
    assert "Thôn Đông" in html  # the villages, their form and dates
    assert str(Form.MEETING.label) in html or "Họp" in html
    assert str(MatterType.CONTRIBUTIONS.label) in html or "1." in html
    assert response.context["page_obj"].paginator.count == 2
    assert_accessible(response.content)


def test_list_filters_by_village_and_status(client, commune, official, hundred):
    west = make_village(commune, households=5, name="Thôn Tây")
    in_east = open_meeting(official, make_matter(official, [hundred], title="Việc thôn Đông"))
    in_west = open_meeting(official, make_matter(official, [west], title="Việc thôn Tây"))
    closed = _closed(official, [hundred], [(80, 67)], title="Việc đã quyết")

    by_village = client.get(_list_url(commune), {"village": west.pk})
    assert [m.pk for m in by_village.context["page_obj"].object_list] == [in_west.pk]

    by_status = client.get(_list_url(commune), {"status": "closed"})
    assert [m.pk for m in by_status.context["page_obj"].object_list] == [closed.pk]

    both = client.get(_list_url(commune), {"status": "open", "village": hundred.pk})
    assert [m.pk for m in both.context["page_obj"].object_list] == [in_east.pk]


@pytest.mark.parametrize(
    ("params", "field"), [({"status": "draft"}, "status"), ({"village": "abc"}, "village")]
)
def test_bad_filters_are_field_errors_and_a_400(client, commune, params, field):
    response = client.get(_list_url(commune), params)
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    assert_accessible(response.content)


def test_a_village_of_another_commune_is_refused(client, commune, other_commune):
    elsewhere = VillageFactory(commune=other_commune)
    response = client.get(_list_url(commune), {"village": elsewhere.pk})
    assert response.status_code == 400


def test_unknown_commune_is_a_404(client):
    assert client.get(reverse("decisions:public_list", args=["00000"])).status_code == 404
    assert client.get(reverse("decisions:public_detail", args=["00000", 1])).status_code == 404


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_rows(client, commune, official):
    villages = [make_village(commune, households=3) for _ in range(3)]
    for n in range(2):
        open_meeting(official, make_matter(official, villages, title=f"Việc {n}"))
    small = _count(client, _list_url(commune))
    for n in range(2, 12):
        open_meeting(official, make_matter(official, villages[: 1 + n % 3], title=f"Việc {n}"))
    large = _count(client, _list_url(commune))
    assert small == large


# ---------------------------------------------------------------------------------------------
# One matter


def test_open_matter_shows_question_options_villages_and_no_running_tally(
    client, commune, official, hundred
):
    matter = make_matter(
        official, [hundred], MatterType.OTHER, question="Có làm sân chơi cho trẻ em không?"
    )
    open_meeting(official, matter)
    # A meeting's attendance and counts are already entered: still nothing is shown.
    _meeting_result(official, matter, hundred, 80, 61)

    response = client.get(_detail_url(matter))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Có làm sân chơi cho trẻ em không?" in html
    for label in ("Đồng ý", "Không đồng ý", "Ý kiến khác", "Thôn Đông"):
        assert label in html
    numbers = _numbers_in_main(html)
    assert "61" not in numbers  # no count per option
    assert "80" not in numbers  # nor how many took part
    assert "data-approvals" not in html
    assert response.context["outcome"] is None
    assert all(row.counts is None for row in response.context["rows"])
    assert_accessible(response.content)


def test_online_vote_shows_no_count_of_votes_so_far(client, commune, official):
    village = make_village(commune, households=4, name="Thôn Bắc")
    matter = make_matter(official, [village], MatterType.OTHER)
    mv = matter_village(matter, village)
    for household in households_of(village)[:3]:
        services.online_opt_in_record(
            actor=official, matter_village=mv, household=household, agrees=True
        )
    services.matter_open(
        actor=official, matter=matter,
        plans={village.pk: services.VillagePlan(Form.ONLINE, closes_at=in_hours(24), team=TEAM)},
    )  # fmt: skip
    mv = matter_village(matter, village)
    for household in households_of(village)[:3]:
        services.vote_cast(
            actor=representative(household), matter_village=mv, option=option(matter)
        )

    html = client.get(_detail_url(matter)).content.decode()

    assert "data-turnout" not in html
    assert "3" not in _numbers_in_main(html)  # three households voted: not shown


def test_closed_matter_shows_the_outcome_against_all_households(client, commune, official, hundred):
    # Art. 21(1), contributions: 67/100 adopts, 66/100 does not.
    west = make_village(commune, households=100, name="Thôn Tây")
    matter = _closed(official, [hundred, west], [(80, 67), (90, 66)])

    response = client.get(_detail_url(matter))

    assert response.status_code == 200
    html = response.content.decode()
    rows = {row.matter_village.village.name: row for row in response.context["rows"]}
    assert (rows["Thôn Đông"].approvals, rows["Thôn Đông"].turnout) == (67, 80)
    assert (rows["Thôn Tây"].approvals, rows["Thôn Tây"].turnout) == (66, 90)
    assert rows["Thôn Đông"].adopted is True
    assert rows["Thôn Tây"].adopted is False
    assert "<span data-approvals>67</span> / <span data-total>100</span>" in html
    assert "<span data-approvals>66</span> / <span data-total>100</span>" in html
    assert "<span data-turnout>90</span>" in html
    rule, article = selectors.matter_outcome(matter).rule, "Luật 10/2022 Điều 21(1)"
    assert article in html
    assert response.context["rule"] == rule
    assert matter.result_hash in html
    assert response.context["hash_matches"] is True
    # Law 10/2022 Art. 20, 21(1): each village's outcome stands on its own.
    assert response.context["outcome"].adopted_villages == 1
    assert_accessible(response.content)


def test_closed_commune_wide_matter_states_the_villages_rule(client, commune, chair):
    villages = [make_village(commune, households=3) for _ in range(3)]
    matter = make_matter(chair, villages, MatterType.CONTRIBUTIONS, commune_wide=True)
    open_meeting(chair, matter)
    for village, yes in zip(villages, (2, 2, 1), strict=True):
        _meeting_result(chair, matter, village, 3, yes)
    matter = services.matter_close(actor=chair, matter=matter)

    response = client.get(_detail_url(matter))

    assert response.context["outcome"].adopted is True  # 2 of 3 villages: two thirds
    from danchu.decisions import rules

    assert rules.commune_rule_text() in response.context["rule"]


def test_closed_election_names_the_winner(client, commune, official):
    village = make_village(commune, households=10)
    matter = make_matter(
        official, [village], MatterType.VILLAGE_HEAD, candidates=["Nguyễn Văn An", "Lê Thị Bình"]
    )
    open_meeting(official, matter, notice_on=days_ago(8))
    candidates = list(matter.options.order_by("position"))
    mv = matter_village(matter, village)
    ids = [h.pk for h in households_of(village)[:9]]
    mv = services.meeting_attendance_record(actor=official, matter_village=mv, household_ids=ids)
    services.meeting_result_record(
        actor=official, matter_village=mv, counts={candidates[0].pk: 6, candidates[1].pk: 3}
    )
    matter = services.matter_close(actor=official, matter=matter)

    response = client.get(_detail_url(matter))

    assert response.context["rows"][0].winner == candidates[0]
    assert response.context["is_election"] is True


def test_drafts_cancelled_and_other_communes_matters_are_404(
    client, commune, other_commune, official, hundred
):
    draft = make_matter(official, [hundred])
    cancelled = make_matter(official, [hundred])
    services.matter_cancel(actor=official, matter=cancelled, reason="Nhầm nội dung.")
    assert client.get(_detail_url(draft)).status_code == 404
    assert client.get(_detail_url(cancelled)).status_code == 404

    elsewhere = make_village(other_commune, households=3)
    theirs = open_meeting(
        official_of(other_commune), make_matter(official_of(other_commune), [elsewhere])
    )
    url = reverse("decisions:public_detail", args=[commune.code, theirs.pk])
    assert client.get(url).status_code == 404
    assert client.get(_detail_url(theirs)).status_code == 200  # under its own code


def test_detail_query_count_does_not_grow_with_villages_or_votes(client, commune, official):
    few = [make_village(commune, households=3) for _ in range(1)]
    many = [make_village(commune, households=20) for _ in range(4)]
    small = _closed(official, few, [(3, 2)], MatterType.OTHER)
    large = _closed(official, many, [(20, 15)] * 4, MatterType.OTHER)
    assert _count(client, _detail_url(small)) == _count(client, _detail_url(large))
    opened_small = open_meeting(official, make_matter(official, few))
    opened_large = open_meeting(official, make_matter(official, many))
    assert _count(client, _detail_url(opened_small)) == _count(client, _detail_url(opened_large))


def test_commune_home_links_to_the_decisions(client, commune):
    html = client.get(reverse("web:commune_home", args=[commune.code])).content.decode()
    assert f'href="{_list_url(commune)}"' in html
