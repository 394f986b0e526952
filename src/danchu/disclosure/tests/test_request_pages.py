"""Residents ask for information (Law 10/2022 Art. 14); officials answer; each sees only theirs."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from danchu.disclosure.models import InformationRequest
from danchu.disclosure.tests.factories import make_disclosure
from danchu.territory.tests.factories import HouseholdFactory, ResidentFactory, VillageFactory
from danchu.web.tests.html_checks import assert_accessible

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def url(name, *args):
    return reverse(f"disclosure:{name}", args=args)


def make_resident(village):
    """A signed-in resident of ``village``: a Resident row, a User for it, the RESIDENT role."""
    person = ResidentFactory(household=HouseholdFactory(village=village))
    user = UserFactory()
    user.resident = person
    user.save()
    RoleAssignmentFactory(user=user, role=Role.RESIDENT, commune=village.commune, village=village)
    return user


@pytest.fixture
def resident(village):
    return make_resident(village)


@pytest.fixture
def neighbour(village):
    return make_resident(village)


def ask(client, commune, query="", **overrides):
    values = {
        "subject": "Danh sách hộ nghèo năm 2025",
        "message": "Xin cung cấp danh sách hộ nghèo năm 2025 của thôn.",
        "reason": InformationRequest.Reason.EXPIRED,
    }
    values.update(overrides)
    return client.post(url("request_create", commune.code) + query, values)


def test_anonymous_is_sent_to_sign_in(client, commune):
    for target in (url("request_create", commune.code), url("my_requests")):
        response = client.get(target)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_resident_asks_and_sees_the_due_date(client, resident, commune):
    client.force_login(resident)
    page = client.get(url("request_create", commune.code))
    assert page.status_code == 200
    assert_accessible(page.content)
    assert "Điều 14" in page.content.decode()
    response = ask(client, commune)
    assert response.status_code == 302
    asked = InformationRequest.objects.get()
    assert asked.requester == resident
    assert asked.commune == commune
    assert response["Location"] == url("request_detail", asked.pk)
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    assert_accessible(detail.content)
    html = detail.content.decode()
    due = asked.due_on.strftime("%d/%m/%Y")
    assert f"Yêu cầu của bạn đã được tiếp nhận. Xã phải trả lời chậm nhất ngày {due}." in html
    assert "Đã hết thời hạn công khai" in html  # the reason, in words
    mine = client.get(url("my_requests"))
    assert_accessible(mine.content)
    assert "Danh sách hộ nghèo năm 2025" in mine.content.decode()


def test_request_form_errors_are_field_level(client, resident, commune):
    client.force_login(resident)
    response = ask(client, commune, subject="", message="", reason="")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_subject_error"' in html
    assert "Hãy nêu ngắn gọn thông tin bạn yêu cầu." in html
    assert "Hãy mô tả thông tin bạn cần." in html
    assert "Hãy chọn lý do yêu cầu." in html
    bad_reason = ask(client, commune, reason="because")
    assert bad_reason.status_code == 400
    assert 'id="id_reason_error"' in bad_reason.content.decode()
    assert not InformationRequest.objects.exists()


def test_asking_about_a_published_disclosure(client, resident, official, commune, other_commune):
    published = make_disclosure(official, commune, publish=True)
    draft = make_disclosure(official, commune, title="Bản nháp")
    foreign_official = RoleAssignmentFactory(commune=other_commune).user
    foreign = make_disclosure(foreign_official, other_commune, publish=True)
    client.force_login(resident)
    page = client.get(url("request_create", commune.code), {"disclosure": published.pk})
    assert page.status_code == 200
    assert published.public_version.title in page.content.decode()
    response = ask(client, commune, query=f"?disclosure={published.pk}")
    assert response.status_code == 302
    assert InformationRequest.objects.get().disclosure == published
    for value in (draft.pk, foreign.pk, "abc", "-3", 999999):
        target = url("request_create", commune.code)
        assert client.get(target, {"disclosure": value}).status_code == 404, value


def test_who_may_ask_where(client, official, commune, other_commune, village):
    foreigner = make_resident(VillageFactory(commune=other_commune))
    client.force_login(foreigner)
    assert client.get(url("request_create", commune.code)).status_code == 404
    assert ask(client, commune).status_code == 404
    assert client.get(url("request_create", "no-such-code")).status_code == 404
    client.force_login(official)  # officials answer; they do not file requests here
    assert client.get(url("request_create", commune.code)).status_code == 403
    assert not InformationRequest.objects.exists()


def test_each_resident_sees_only_their_own(client, resident, neighbour, official, commune):
    client.force_login(resident)
    ask(client, commune, subject="Hỏi về đường làng")
    asked = InformationRequest.objects.get()
    client.force_login(neighbour)
    assert "Hỏi về đường làng" not in client.get(url("my_requests")).content.decode()
    assert client.get(url("request_detail", asked.pk)).status_code == 404
    assert client.get(url("bo_request_answer", asked.pk)).status_code == 403  # no back office
    client.force_login(official)
    assert client.get(url("request_detail", asked.pk)).status_code == 200


def test_official_answers_and_the_resident_reads_it(client, resident, official, commune):
    client.force_login(resident)
    ask(client, commune)
    asked = InformationRequest.objects.get()
    client.force_login(official)
    listing = client.get(url("bo_requests", commune.code))
    assert listing.status_code == 200
    assert_accessible(listing.content)
    assert url("bo_request_answer", asked.pk) in listing.content.decode()
    page = client.get(url("bo_request_answer", asked.pk))
    assert page.status_code == 200
    assert_accessible(page.content)
    assert "Xin cung cấp danh sách hộ nghèo" in page.content.decode()
    empty = client.post(url("bo_request_answer", asked.pk), {"answer": ""})
    assert empty.status_code == 400
    assert 'id="id_answer_error"' in empty.content.decode()
    assert "Hãy viết câu trả lời." in empty.content.decode()
    answered = client.post(
        url("bo_request_answer", asked.pk), {"answer": "Danh sách gửi kèm tại trụ sở UBND xã."}
    )
    assert answered.status_code == 302
    asked.refresh_from_db()
    assert asked.status == InformationRequest.Status.ANSWERED
    assert asked.answered_by == official
    # Once answered, no second answer: the form is gone and a replay is refused, not a 500.
    assert 'name="answer"' not in client.get(url("bo_request_answer", asked.pk)).content.decode()
    again = client.post(url("bo_request_answer", asked.pk), {"answer": "Lần hai"})
    assert again.status_code == 400
    assert "Yêu cầu này đã được trả lời." in again.content.decode()
    client.force_login(resident)
    html = client.get(url("request_detail", asked.pk)).content.decode()
    assert "Danh sách gửi kèm tại trụ sở UBND xã." in html
    assert "Câu trả lời của xã" in html
    assert "Đã trả lời" in client.get(url("my_requests")).content.decode()


def test_overdue_requests_are_marked_and_filtered(client, resident, official, commune):
    late = InformationRequest.objects.create(
        commune=commune, requester=resident, subject="Quá hạn rồi", message="m",
        reason="not_yet", due_on=timezone.localdate() - 2 * DAY,
    )  # fmt: skip
    InformationRequest.objects.create(
        commune=commune, requester=resident, subject="Còn hạn", message="m", reason="not_yet",
        due_on=timezone.localdate() + 5 * DAY,
    )  # fmt: skip
    client.force_login(official)
    html = client.get(url("bo_requests", commune.code)).content.decode()
    assert html.count("badge-bad") == 1
    assert "quá hạn" in html
    overdue = client.get(url("bo_requests", commune.code), {"status": "overdue"}).content.decode()
    assert "Quá hạn rồi" in overdue
    assert "Còn hạn" not in overdue
    answered = client.get(url("bo_requests", commune.code), {"status": "answered"})
    assert "Quá hạn rồi" not in answered.content.decode()
    assert client.get(url("bo_requests", commune.code), {"status": "x"}).status_code == 400
    client.force_login(resident)
    assert "badge-bad" in client.get(url("request_detail", late.pk)).content.decode()


def test_back_office_request_pages_are_scoped(client, resident, commune, other_commune, village):
    asked = InformationRequest.objects.create(
        commune=commune, requester=resident, subject="s", message="m", reason="not_yet",
        due_on=timezone.localdate(),
    )  # fmt: skip
    foreign = RoleAssignmentFactory(commune=other_commune, role=Role.COMMUNE_OFFICIAL).user
    client.force_login(foreign)
    assert client.get(url("bo_requests", commune.code)).status_code == 404
    assert client.get(url("bo_request_answer", asked.pk)).status_code == 404
    assert client.post(url("bo_request_answer", asked.pk), {"answer": "x"}).status_code == 404
    assert client.get(url("request_detail", asked.pk)).status_code == 404
    head = RoleAssignmentFactory(commune=commune, village=village, role=Role.VILLAGE_HEAD).user
    client.force_login(head)
    assert client.get(url("bo_requests", commune.code)).status_code == 403
    assert client.post(url("bo_request_answer", asked.pk), {"answer": "x"}).status_code == 403
    client.force_login(resident)
    assert client.get(url("bo_requests", commune.code)).status_code == 403
    asked.refresh_from_db()
    assert asked.status == InformationRequest.Status.OPEN


def _queries(client, target):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(target)
    assert response.status_code == 200
    return len(captured)


def test_request_lists_query_count_does_not_grow(client, official, commune, village):
    people = [make_resident(village) for _ in range(3)]
    published = make_disclosure(official, commune, publish=True)

    def add(count):
        for n in range(count):
            InformationRequest.objects.create(
                commune=commune, requester=people[n % 3], subject=f"Yêu cầu {n}", message="m",
                reason="not_yet", due_on=timezone.localdate() - (n % 2) * DAY,
                disclosure=published if n % 2 else None,
            )  # fmt: skip

    client.force_login(official)
    add(5)
    small = _queries(client, url("bo_requests", commune.code))
    client.force_login(people[0])
    small_mine = _queries(client, url("my_requests"))
    add(35)
    assert InformationRequest.objects.count() == 40
    client.force_login(official)
    assert _queries(client, url("bo_requests", commune.code)) == small
    client.force_login(people[0])
    assert _queries(client, url("my_requests")) == small_mine
