"""Steering plans and key tasks: who may do what, progress and evidence, the overdue rule and
what the review reports read."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.core.errors import NotFound, PermissionDenied, ValidationFailed
from danchu.core.models import AuditEntry
from danchu.reporting import steering, steering_selectors
from danchu.reporting.models import KeyTask, TaskStatus
from danchu.reporting.periods import Period
from danchu.reporting.steering import WrongState
from danchu.territory.tests.factories import CommuneFactory, ProvinceFactory, VillageFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
H2 = Period.half(2026, 2)


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English (the source language); pages check the Vietnamese."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(db):
    province = ProvinceFactory()
    commune = CommuneFactory(parent=province)
    east, west = (VillageFactory(commune=commune, name=n) for n in ("Thôn Đông", "Thôn Tây"))
    chair = RoleAssignmentFactory(commune=commune, role=Role.COMMUNE_CHAIR).user
    head_east = RoleAssignmentFactory(commune=commune, role=Role.VILLAGE_HEAD, village=east).user
    head_west = RoleAssignmentFactory(commune=commune, role=Role.VILLAGE_HEAD, village=west).user
    reader = RoleAssignmentFactory(role=Role.PROVINCE_READER, unit=province, commune=None).user
    return {
        "province": province, "commune": commune, "east": east, "west": west, "chair": chair,
        "head_east": head_east, "head_west": head_west, "reader": reader,
    }  # fmt: skip


def _plan(w, period=H2, unit=None, actor=None):
    return steering.plan_create(
        actor=actor or w["chair"], unit=unit or w["commune"],
        title="Kế hoạch thực hiện dân chủ ở cơ sở", period_first=period.first,
        period_last=period.last,
    )  # fmt: skip


def _task(w, plan, title="Tuyên truyền Luật Thực hiện dân chủ ở cơ sở", **kw):
    kw.setdefault("assignees", [w["east"]])
    return steering.task_add(actor=w["chair"], plan=plan, title=title, **kw)


# --- plans and tasks -------------------------------------------------------------------------


def test_the_chair_plans_with_numbered_tasks_for_villages(world):
    plan = _plan(world)
    first = _task(world, plan, deadline=date(2026, 9, 30), assignees=[world["east"], world["west"]])
    second = _task(world, plan, title="Kiện toàn Ban Thanh tra nhân dân")
    assert (first.position, second.position) == (1, 2)
    assert steering_selectors.assignees_text(first) == "Thôn Đông, Thôn Tây"
    assert first.status == TaskStatus.NOT_STARTED
    assert plan.commune == world["commune"]
    assert plan.province == world["province"]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"reporting.plan.create", "reporting.task.add"} <= actions


def test_plan_period_and_title_are_checked(world):
    with pytest.raises(ValidationFailed) as error:
        steering.plan_create(
            actor=world["chair"], unit=world["commune"], title=" ",
            period_first=date(2026, 12, 31), period_last=date(2026, 7, 1),
        )  # fmt: skip
    assert set(error.value.fields) == {"title", "period"}


def test_a_plan_belongs_to_a_current_commune_or_province(world):
    with pytest.raises(ValidationFailed):
        _plan(world, unit=world["east"])


def test_who_may_plan(world):
    with pytest.raises(PermissionDenied):
        _plan(world, actor=world["head_east"])
    stranger = RoleAssignmentFactory(role=Role.COMMUNE_CHAIR).user
    with pytest.raises(NotFound):
        _plan(world, actor=stranger)
    with pytest.raises(NotFound):  # a commune chair does not plan for the province
        _plan(world, unit=world["province"])


def test_tasks_go_to_villages_of_the_commune_only(world):
    plan = _plan(world)
    with pytest.raises(ValidationFailed) as error:
        _task(world, plan, assignees=[VillageFactory()])
    assert "assignees" in error.value.fields
    with pytest.raises(ValidationFailed):
        _task(world, plan, assignees=[world["commune"]])


def test_task_update_reassigns(world):
    plan = _plan(world)
    task = _task(world, plan)
    steering.task_update(
        actor=world["chair"], task=task, title="Tuyên truyền", description="Loa truyền thanh",
        deadline=date(2026, 8, 31), assignees=[world["west"]],
    )  # fmt: skip
    task.refresh_from_db()
    assert steering_selectors.assignees_text(task) == "Thôn Tây"
    assert task.deadline == date(2026, 8, 31)


def test_province_plan_assigns_communes(world):
    plan = _plan(world, unit=world["province"], actor=world["reader"])
    assert plan.commune is None
    task = steering.task_add(
        actor=world["reader"], plan=plan, title="Sơ kết 6 tháng", assignees=[world["commune"]]
    )
    with pytest.raises(ValidationFailed):
        steering.task_add(actor=world["reader"], plan=plan, title="X", assignees=[CommuneFactory()])
    # The commune's chair reports on the province's task given to the commune; a village head
    # of the commune does not.
    assert steering.may_report(world["chair"], task)
    assert not steering.may_report(world["head_east"], task)
    steering.task_progress_report(actor=world["chair"], task=task, note="Đã sơ kết", percent=50)
    assert [t.pk for t in steering_selectors.assigned_tasks(
        actor=world["chair"], commune=world["commune"]
    )] == [task.pk]  # fmt: skip
    assert steering_selectors.may_view_task(world["chair"], task)


# --- progress and evidence -------------------------------------------------------------------


def test_the_assigned_village_head_reports_progress(world):
    task = _task(world, _plan(world))
    row = steering.task_progress_report(
        actor=world["head_east"], task=task, note="Đã họp thôn phổ biến", percent=40,
        uploaded=SimpleUploadedFile("bien-ban hop.png", PNG, content_type="image/png"),
    )  # fmt: skip
    task.refresh_from_db()
    assert (task.status, task.percent) == (TaskStatus.IN_PROGRESS, 40)
    assert row.assignment.village == world["east"]
    assert row.evidence_name == "bien-ban hop.png"
    assert row.evidence_content_type == "image/png"
    assert steering.evidence_path(row.evidence_path).read_bytes() == PNG
    assert steering_selectors.last_note(KeyTask.objects.get(pk=task.pk)) == "Đã họp thôn phổ biến"


def test_another_village_head_may_not_report(world):
    task = _task(world, _plan(world))
    with pytest.raises(PermissionDenied):
        steering.task_progress_report(actor=world["head_west"], task=task, note="x", percent=10)
    stranger = RoleAssignmentFactory(role=Role.COMMUNE_CHAIR).user
    with pytest.raises(NotFound):
        steering.task_progress_report(actor=stranger, task=task, note="x", percent=10)


@pytest.mark.parametrize(("percent", "ok"), [(-1, False), (0, True), (100, True), (101, False)])
def test_percent_boundaries(world, percent, ok):
    task = _task(world, _plan(world))
    if ok:
        steering.task_progress_report(actor=world["chair"], task=task, note="x", percent=percent)
    else:
        with pytest.raises(ValidationFailed) as error:
            steering.task_progress_report(
                actor=world["chair"], task=task, note="x", percent=percent
            )
        assert "percent" in error.value.fields


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("virus.exe", b"MZ....", "invalid_file"),
        ("anh.png", b"%PDF-1.4 not a png", "invalid_file"),
        ("trong.pdf", b"", "invalid_file"),
        ("lon.pdf", b"%PDF-" + b"x" * 2048, "too_large"),
    ],
)
def test_evidence_type_and_size_are_checked(world, settings, name, content, code):
    settings.STEERING_EVIDENCE_MAX_BYTES = 1024
    task = _task(world, _plan(world))
    with pytest.raises(ValidationFailed) as error:
        steering.task_progress_report(
            actor=world["chair"], task=task, note="x", percent=10,
            uploaded=SimpleUploadedFile(name, content),
        )  # fmt: skip
    assert error.value.code == code
    assert "evidence" in error.value.fields
    assert not list((settings.MEDIA_ROOT / "steering").glob("*"))


def test_evidence_at_the_size_limit_is_accepted(world, settings):
    settings.STEERING_EVIDENCE_MAX_BYTES = 1024
    task = _task(world, _plan(world))
    content = b"%PDF-" + b"x" * (1024 - 5)
    row = steering.task_progress_report(
        actor=world["chair"], task=task, note="x", percent=10,
        uploaded=SimpleUploadedFile("bao-cao.pdf", content),
    )  # fmt: skip
    assert row.evidence_size == 1024


def test_done_and_cancelled_tasks_take_no_more_updates(world):
    task = _task(world, _plan(world))
    steering.task_set_status(actor=world["chair"], task=task, status=TaskStatus.DONE)
    assert task.percent == 100
    assert task.done_on == timezone.localdate()
    with pytest.raises(WrongState):
        steering.task_progress_report(actor=world["chair"], task=task, note="x", percent=10)
    with pytest.raises(WrongState):
        steering.task_set_status(actor=world["chair"], task=task, status=TaskStatus.DONE)
    steering.task_set_status(actor=world["chair"], task=task, status=TaskStatus.IN_PROGRESS)
    assert task.done_on is None


def test_status_is_for_the_committee_and_not_in_the_future(world):
    task = _task(world, _plan(world))
    with pytest.raises(PermissionDenied):
        steering.task_set_status(actor=world["head_east"], task=task, status=TaskStatus.DONE)
    with pytest.raises(ValidationFailed):
        steering.task_set_status(
            actor=world["chair"], task=task, status=TaskStatus.DONE,
            on=timezone.localdate() + timedelta(days=1),
        )  # fmt: skip
    with pytest.raises(ValidationFailed):
        steering.task_set_status(actor=world["chair"], task=task, status="finished")


# --- overdue ---------------------------------------------------------------------------------

DEADLINE = date(2026, 9, 30)


@pytest.mark.parametrize(
    ("status", "done_on", "on", "overdue"),
    [
        (TaskStatus.IN_PROGRESS, None, DEADLINE, False),  # the deadline day itself
        (TaskStatus.IN_PROGRESS, None, DEADLINE + timedelta(days=1), True),
        (TaskStatus.NOT_STARTED, None, DEADLINE + timedelta(days=1), True),
        (TaskStatus.DONE, DEADLINE + timedelta(days=1), DEADLINE + timedelta(days=1), False),
        (TaskStatus.DONE, DEADLINE + timedelta(days=2), DEADLINE + timedelta(days=1), True),
        (TaskStatus.DONE, DEADLINE - timedelta(days=5), DEADLINE + timedelta(days=30), False),
        (TaskStatus.CANCELLED, None, DEADLINE + timedelta(days=1), False),
    ],
)
def test_overdue_rule_and_query_agree(world, status, done_on, on, overdue):
    task = _task(world, _plan(world), deadline=DEADLINE)
    KeyTask.objects.filter(pk=task.pk).update(status=status, done_on=done_on)
    task.refresh_from_db()
    assert task.overdue_on(on) is overdue
    found = [t.pk for t in steering_selectors.overdue_tasks(world["commune"], on)]
    assert found == ([task.pk] if overdue else [])


def test_a_task_without_deadline_is_never_overdue(world):
    task = _task(world, _plan(world))
    assert not task.overdue_on(date(2099, 1, 1))
    assert steering_selectors.overdue_tasks(world["commune"], date(2099, 1, 1)) == []


def test_overdue_tasks_of_a_commune_include_the_provinces_given_to_it(world):
    plan = _plan(world, unit=world["province"], actor=world["reader"])
    task = steering.task_add(
        actor=world["reader"], plan=plan, title="Báo cáo", deadline=DEADLINE,
        assignees=[world["commune"]],
    )  # fmt: skip
    after = DEADLINE + timedelta(days=1)
    assert [t.pk for t in steering_selectors.overdue_tasks(world["commune"], after)] == [task.pk]
    assert [t.pk for t in steering_selectors.overdue_tasks(world["province"], after)] == [task.pk]
    other = CommuneFactory(parent=world["province"])
    assert steering_selectors.overdue_tasks(other, after) == []


# --- what the reviews read -------------------------------------------------------------------


def test_key_tasks_for_review_overdue_first(world):
    h1 = Period.half(2026, 1)
    plan = _plan(world, period=h1)
    on_time = _task(world, plan, title="Một", deadline=date(2026, 6, 30))
    late = _task(world, plan, title="Hai", deadline=date(2026, 3, 31))
    _task(world, _plan(world, period=H2), title="Sau")
    steering.task_progress_report(actor=world["chair"], task=late, note="Đang làm", percent=30)
    lines = steering_selectors.key_tasks_for_review(world["commune"], h1)
    assert [(line.title, line.overdue) for line in lines] == [("Hai", True), ("Một", False)]
    assert lines[0].progress == "Đang làm"
    assert lines[0].assignees == "Thôn Đông"
    assert lines[0].status == "in progress"
    assert on_time.deadline == lines[1].deadline
    following = steering_selectors.next_period_tasks(world["commune"], h1)
    assert [line.title for line in following] == ["Sau"]
    assert steering_selectors.next_period_tasks(world["commune"], H2) == []
    assert steering_selectors.key_tasks_for_review(CommuneFactory(), h1) == []


def test_plan_list_is_scoped(world):
    plan = _plan(world)
    assert list(steering_selectors.plan_list(actor=world["head_east"], unit=world["commune"])) == [
        plan
    ]
    assert list(steering_selectors.plan_list(actor=world["reader"], unit=world["commune"])) == [
        plan
    ]
    stranger = RoleAssignmentFactory(role=Role.COMMUNE_CHAIR).user
    assert not steering_selectors.plan_list(actor=stranger, unit=world["commune"]).exists()
