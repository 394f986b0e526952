"""Edit and delete of steering plans, emulation rounds and awards: each rule at its boundary
(progress reported or not; an award listed in an issued review or not: issued vs draft, its
date inside vs outside the period, recorded before vs after the figures), the audit entries,
and the API (404 across communes, 403 without the right, 409 on state, 204 on delete)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.api.tests.helpers import auth, token_for
from danchu.core.audit import AuditEntry
from danchu.core.errors import WrongState
from danchu.reporting import steering
from danchu.reporting.models import (
    Award,
    AwardKind,
    EmulationRound,
    ReviewReport,
    SteeringPlan,
)
from danchu.reporting.periods import Period
from danchu.reporting.tests.test_emulation import facts  # noqa: F401 - the fake catalogue
from danchu.territory.tests.factories import CommuneFactory, ProvinceFactory, VillageFactory

H1 = Period.half(2026, 1)


@pytest.fixture
def w(db, facts):  # noqa: F811
    province = ProvinceFactory()
    commune = CommuneFactory(parent=province)
    east = VillageFactory(commune=commune, name="Thôn Đông")
    return {
        "commune": commune, "east": east,
        "chair": RoleAssignmentFactory(commune=commune, role=Role.COMMUNE_CHAIR).user,
        "board": RoleAssignmentFactory(commune=commune, role=Role.INSPECTION_BOARD).user,
        "stranger": RoleAssignmentFactory(role=Role.COMMUNE_CHAIR).user,
    }  # fmt: skip


def _plan(w):
    return steering.plan_create(
        actor=w["chair"], unit=w["commune"], title="Kế hoạch 2026", period_first=H1.first,
        period_last=H1.last,
    )  # fmt: skip


def _round(w):
    return steering.round_create(
        actor=w["chair"], unit=w["commune"], title="Thi đua 2026", period_first=H1.first,
        period_last=H1.last, criteria=[steering.CriterionIn("fake.meetings", 10)],
    )  # fmt: skip


def _award(w, row, on=date(2026, 6, 1)):
    return steering.award_create(
        actor=w["chair"], round=row, kind=AwardKind.COMMUNE_CERTIFICATE,
        decision_number="12/QĐ-UBND", decision_date=on, signer="Nguyễn Văn An",
        recipient_unit=w["east"],
    )  # fmt: skip


def _review(w, *, status=ReviewReport.Status.ISSUED, period=H1, figures_at=None):
    commune = w["commune"]
    return ReviewReport.objects.create(
        unit=commune, commune=commune, province_id=commune.parent_id,
        kind=ReviewReport.Kind.HALF_YEAR, period_kind=period.kind, period_first=period.first,
        period_last=period.last, status=status, issuer_name="UBND", place="Can Lộc",
        title="Sơ kết", number=1 if status == ReviewReport.Status.ISSUED else None,
        issued_on=date(2026, 7, 1) if status == ReviewReport.Status.ISSUED else None,
        number_year=2026, figures_at=figures_at or timezone.now() + timedelta(seconds=1),
    )  # fmt: skip


# --- plans -------------------------------------------------------------------------------------


def test_plan_update_and_delete_without_progress(w):
    plan = _plan(w)
    task = steering.task_add(actor=w["chair"], plan=plan, title="Họp thôn", assignees=[w["east"]])
    plan = steering.plan_update(
        actor=w["chair"], plan=plan, title="Kế hoạch sửa", reference="35/KH-BCĐ",
        period_first=H1.first, period_last=date(2026, 12, 31),
    )  # fmt: skip
    assert (plan.title, plan.period_last) == ("Kế hoạch sửa", date(2026, 12, 31))
    entry = AuditEntry.objects.get(action="reporting.plan.update")
    assert entry.before["title"] == "Kế hoạch 2026"
    # A task without progress (even with a status set) does not keep the plan.
    steering.task_set_status(actor=w["chair"], task=task, status="in_progress")
    steering.plan_delete(actor=w["chair"], plan=plan)
    assert not SteeringPlan.objects.filter(pk=plan.pk).exists()
    assert AuditEntry.objects.get(action="reporting.plan.delete").before["tasks"] == ["Họp thôn"]


def test_plan_with_progress_is_kept_but_editable(w):
    plan = _plan(w)
    task = steering.task_add(actor=w["chair"], plan=plan, title="Họp thôn", assignees=[w["east"]])
    steering.task_progress_report(actor=w["chair"], task=task, note="Đã họp 2 thôn", percent=40)
    with pytest.raises(WrongState) as refused:
        steering.plan_delete(actor=w["chair"], plan=plan)
    assert refused.value.code == "has_progress"
    assert SteeringPlan.objects.filter(pk=plan.pk).exists()
    steering.plan_update(actor=w["chair"], plan=plan, title="Vẫn sửa được",
                         period_first=H1.first, period_last=H1.last)  # fmt: skip


def test_plan_update_field_errors(w):
    from danchu.core.errors import ValidationFailed

    plan = _plan(w)
    with pytest.raises(ValidationFailed) as refused:
        steering.plan_update(actor=w["chair"], plan=plan, title=" ", period_first=H1.last,
                             period_last=H1.first)  # fmt: skip
    assert set(refused.value.fields) == {"title", "period"}


# --- rounds and awards ---------------------------------------------------------------------


def test_round_update_and_delete(w):
    row = _round(w)
    row = steering.round_update(
        actor=w["chair"], round=row, title="Thi đua sửa", period_first=H1.first,
        period_last=H1.last,
        criteria=[steering.CriterionIn("fake.meetings", 20, "lower")],
    )  # fmt: skip
    assert [(c.weight, c.direction) for c in row.criteria.all()] == [(20, "lower")]
    assert AuditEntry.objects.get(action="reporting.emulation.update").before["criteria"] == [
        ["fake.meetings", 10, "higher"]
    ]
    award = _award(w, row)
    with pytest.raises(WrongState) as refused:
        steering.round_delete(actor=w["chair"], round=row)
    assert refused.value.code == "has_awards"
    steering.award_delete(actor=w["chair"], award=award)
    steering.round_delete(actor=w["chair"], round=row)
    assert not EmulationRound.objects.filter(pk=row.pk).exists()
    assert AuditEntry.objects.filter(action="reporting.emulation.delete").count() == 1


def test_award_listed_in_an_issued_review_is_frozen(w):
    row = _round(w)
    award = _award(w, row)
    _review(w)  # issued after the award was recorded, over a period holding its date
    with pytest.raises(WrongState) as refused:
        steering.award_delete(actor=w["chair"], award=award)
    assert refused.value.code == "in_issued_review"
    assert "01/BC-UBND" in refused.value.message
    with pytest.raises(WrongState):
        steering.award_update(
            actor=w["chair"], award=award, kind=AwardKind.COMMUNE_CERTIFICATE,
            decision_number="13/QĐ-UBND", decision_date=date(2026, 6, 1), signer="Lê An",
            recipient_unit=w["east"],
        )  # fmt: skip
    with pytest.raises(WrongState):
        steering.round_update(
            actor=w["chair"], round=row, title="Sửa", period_first=H1.first,
            period_last=H1.last, criteria=[steering.CriterionIn("fake.meetings", 5)],
        )  # fmt: skip
    assert Award.objects.filter(pk=award.pk, decision_number="12/QĐ-UBND").exists()


@pytest.mark.parametrize(
    "review",
    [
        {"status": ReviewReport.Status.DRAFT},  # a draft is not frozen
        {"period": Period.half(2026, 2)},  # the award's date is outside the period
        {"figures_at": "before"},  # the figures were computed before the award was recorded
    ],
)
def test_award_not_listed_can_change(w, review):
    row = _round(w)
    award = _award(w, row)
    if review.get("figures_at") == "before":
        review = {"figures_at": award.created_at - timedelta(seconds=1)}
    _review(w, **review)
    award = steering.award_update(
        actor=w["chair"], award=award, kind=AwardKind.OTHER, kind_other="Giấy khen Đảng ủy",
        decision_number="13/QĐ-UBND", decision_date=date(2026, 5, 1), signer="Lê An",
        recipient_name="Chi hội Phụ nữ",
    )  # fmt: skip
    assert (award.recipient_name, award.recipient_village_id) == ("Chi hội Phụ nữ", None)
    entry = AuditEntry.objects.get(action="reporting.award.update")
    assert entry.before["decision"] == "12/QĐ-UBND"
    steering.award_delete(actor=w["chair"], award=award)
    assert not Award.objects.filter(pk=award.pk).exists()


def test_award_date_on_the_period_edges_is_listed(w):
    row = _round(w)
    first = _award(w, row, on=H1.first)
    last = _award(w, row, on=H1.last)
    _review(w)
    assert steering.issued_reviews_listing(first)
    assert steering.issued_reviews_listing(last)
    outside = _award(w, row, on=H1.last + timedelta(days=1))
    assert steering.issued_reviews_listing(outside) == []


# --- API ---------------------------------------------------------------------------------------


class Api:
    def __init__(self, client, user):
        self.client, self.headers = client, auth(token_for(user))

    def call(self, method, path, body=None):
        return getattr(self.client, method)(
            "/api/v1" + path, json.dumps(body or {}), content_type="application/json",
            **self.headers,
        )  # fmt: skip


def test_api_edit_and_delete(client, w):
    chair, board, stranger = (Api(client, w[k]) for k in ("chair", "board", "stranger"))
    plan, row = _plan(w), _round(w)
    award = _award(w, row)
    plan_body = {"title": "Kế hoạch sửa", "period": "2026"}
    round_body = {"title": "Thi đua sửa", "period": "2026-H1",
                  "criteria": [{"indicator": "fake.meetings", "weight": 3}]}  # fmt: skip
    award_body = {"kind": "giay_khen", "recipient_village": w["east"].pk,
                  "decision_number": "14/QĐ-UBND", "decision_date": "2026-06-02",
                  "signer": "Lê An"}  # fmt: skip
    cases = [
        (f"/steering-plans/{plan.pk}", plan_body),
        (f"/emulation-rounds/{row.pk}", round_body),
        (f"/awards/{award.pk}", award_body),
    ]
    for path, body in cases:
        assert stranger.call("put", path, body).status_code == 404  # another commune's
        assert stranger.call("delete", path).status_code == 404
        assert board.call("put", path, body).status_code == 403  # reads, does not manage
        assert board.call("delete", path).status_code == 403
        assert chair.call("put", path, body).status_code == 200
    assert SteeringPlan.objects.get(pk=plan.pk).period_last == date(2026, 12, 31)
    assert Award.objects.get(pk=award.pk).decision_number == "14/QĐ-UBND"
    bad = chair.call("put", f"/steering-plans/{plan.pk}", {"title": "x", "period": "2026-H9"})
    assert bad.status_code == 422
    assert chair.call("delete", f"/emulation-rounds/{row.pk}").status_code == 409
    _review(w)
    assert chair.call("delete", f"/awards/{award.pk}").status_code == 409
    assert chair.call("put", f"/emulation-rounds/{row.pk}", round_body).status_code == 409
    assert chair.call("delete", f"/steering-plans/{plan.pk}").status_code == 204
    assert chair.call("delete", f"/steering-plans/{plan.pk}").status_code == 404


# --- back-office pages -------------------------------------------------------------------------


def test_pages_edit_and_delete(client, w):
    from django.urls import reverse

    plan, row = _plan(w), _round(w)
    award = _award(w, row)
    pages = [
        reverse("reporting:steering_plan_edit", args=[plan.pk]),
        reverse("reporting:steering_plan_delete", args=[plan.pk]),
        reverse("reporting:emulation_round_edit", args=[row.pk]),
        reverse("reporting:emulation_round_delete", args=[row.pk]),
        reverse("reporting:award_edit", args=[award.pk]),
        reverse("reporting:award_delete", args=[award.pk]),
    ]
    client.force_login(w["stranger"])
    assert [client.get(url).status_code for url in pages] == [404] * 6
    client.force_login(w["board"])
    assert [client.get(url).status_code for url in pages] == [403] * 6
    client.force_login(w["chair"])
    assert [client.get(url).status_code for url in pages] == [200] * 6
    # The plan page links to its edit and delete pages; the forms come filled in.
    detail = client.get(reverse("reporting:steering_plan", args=[plan.pk])).content.decode()
    assert pages[0] in detail
    assert pages[1] in detail
    assert "2026-H1" in client.get(pages[0]).content.decode()
    # Field errors: 400 with the form again.
    bad = client.post(pages[0], {"title": "", "period": "2026-H9"})
    assert bad.status_code == 400
    assert bad.context["form"].errors.keys() >= {"title", "period"}
    saved = client.post(pages[0], {"title": "Kế hoạch sửa", "reference": "", "period": "2026"})
    assert saved.status_code == 302
    assert SteeringPlan.objects.get(pk=plan.pk).title == "Kế hoạch sửa"
    round_saved = client.post(pages[2], {"title": "Thi đua sửa", "period": "2026-H1",
                                         "code_1": "fake.meetings", "weight_1": "4",
                                         "direction_1": "higher"})  # fmt: skip
    assert round_saved.status_code == 302
    assert row.criteria.get().weight == 4
    # A round with awards: the delete page says why (409), nothing is deleted.
    refused = client.post(pages[3])
    assert refused.status_code == 409
    assert "hãy xóa các khen thưởng trước" in refused.content.decode()  # the page is in Vietnamese
    assert EmulationRound.objects.filter(pk=row.pk).exists()
    award_saved = client.post(pages[4], {
        "kind": "giay_khen", "recipient": str(w["east"].pk), "decision_number": "15/QĐ-UBND",
        "decision_date": "2026-06-03", "signer": "Lê An",
    })  # fmt: skip
    assert award_saved.status_code == 302
    assert Award.objects.get(pk=award.pk).decision_number == "15/QĐ-UBND"
    # Listed in an issued review: the award can no longer change (409 on the page).
    _review(w)
    frozen = client.post(pages[5])
    assert frozen.status_code == 409
    assert Award.objects.filter(pk=award.pk).exists()
    assert client.post(pages[1]).status_code == 302
    assert not SteeringPlan.objects.filter(pk=plan.pk).exists()
