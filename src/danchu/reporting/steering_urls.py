"""URLs of the steering back office: plans and key tasks, overdue tasks, emulation rounds.

No ``app_name``: the lead includes these in the ``reporting`` namespace. ``<level>`` is ``xa``
(a commune) or ``tinh`` (a province); everything sits under ``/quan-ly/chi-dao/``.
"""

from django.urls import URLPattern, URLResolver, path, re_path

from danchu.reporting import steering_export_views as downloads
from danchu.reporting import steering_views as views

_UNIT = r"^quan-ly/chi-dao/(?P<level>xa|tinh)/(?P<code>[0-9A-Za-z]{1,10})/"

urlpatterns: list[URLPattern | URLResolver] = [
    re_path(_UNIT + r"ke-hoach/$", views.plans, name="steering_plans"),
    re_path(_UNIT + r"qua-han/$", views.overdue, name="steering_overdue"),
    re_path(
        _UNIT + r"qua-han/tai-ve\.(?P<fmt>csv|xlsx)$",
        downloads.overdue_export,
        name="steering_overdue_export",
    ),
    re_path(_UNIT + r"thi-dua/$", views.rounds, name="emulation_rounds"),
    path("quan-ly/chi-dao/ke-hoach/<int:pk>/", views.plan_detail, name="steering_plan"),
    re_path(
        r"^quan-ly/chi-dao/ke-hoach/(?P<pk>[0-9]{1,18})/tai-ve\.(?P<fmt>csv|xlsx)$",
        downloads.plan_export,
        name="steering_plan_export",
    ),
    path("quan-ly/chi-dao/ke-hoach/<int:pk>/sua/", views.plan_edit, name="steering_plan_edit"),
    path("quan-ly/chi-dao/ke-hoach/<int:pk>/xoa/", views.plan_delete, name="steering_plan_delete"),
    path("quan-ly/chi-dao/thi-dua/<int:pk>/sua/", views.round_edit, name="emulation_round_edit"),
    path(
        "quan-ly/chi-dao/thi-dua/<int:pk>/xoa/", views.round_delete, name="emulation_round_delete"
    ),
    path("quan-ly/chi-dao/khen-thuong/<int:pk>/sua/", views.award_edit, name="award_edit"),
    path("quan-ly/chi-dao/khen-thuong/<int:pk>/xoa/", views.award_delete, name="award_delete"),
    path("quan-ly/chi-dao/nhiem-vu/<int:pk>/", views.task_detail, name="steering_task"),
    path("quan-ly/chi-dao/minh-chung/<int:pk>/", views.evidence, name="steering_evidence"),
    path("quan-ly/chi-dao/thi-dua/<int:pk>/", views.round_detail, name="emulation_round"),
    re_path(
        r"^quan-ly/chi-dao/thi-dua/(?P<pk>[0-9]{1,18})/tai-ve\.(?P<fmt>csv|xlsx)$",
        downloads.round_export,
        name="emulation_round_export",
    ),
]
