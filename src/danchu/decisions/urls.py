"""URLs of community decisions: the public results (/xa/…/bieu-quyet/), the household
representative's online vote (/bieu-quyet/…/) and the back office (/quan-ly/…/bieu-quyet/)."""

from django.urls import path

from danchu.decisions import backoffice_pages as steps
from danchu.decisions import backoffice_views as bo
from danchu.decisions import initiative_views, public_views

app_name = "decisions"
urlpatterns = [
    # Public: no sign-in.
    path("xa/<str:code>/bieu-quyet/", public_views.public_list, name="public_list"),
    path("xa/<str:code>/bieu-quyet/<int:pk>/", public_views.public_detail, name="public_detail"),
    # The household representative votes online (Decree 59/2023 Art. 5).
    path("bieu-quyet/<int:matter_village_id>/", bo.vote, name="vote"),
    # Back office.
    path("quan-ly/xa/<str:code>/bieu-quyet/", bo.matter_list, name="bo_list"),
    path("quan-ly/bieu-quyet/<int:pk>/", bo.matter_detail, name="bo_detail"),
    path("quan-ly/bieu-quyet/<int:pk>/mo/", bo.matter_open, name="bo_open"),
    path("quan-ly/bieu-quyet/<int:pk>/dong/", bo.matter_close, name="bo_close"),
    path("quan-ly/bieu-quyet/<int:pk>/xung-dot/", bo.conflicts, name="bo_conflicts"),
    path("quan-ly/bieu-quyet/thon/<int:mv_id>/hop/", bo.meeting, name="bo_meeting"),
    path(
        "quan-ly/bieu-quyet/thon/<int:mv_id>/hop/diem-danh/",
        bo.attendance_record,
        name="bo_attendance",
    ),
    path("quan-ly/bieu-quyet/thon/<int:mv_id>/hop/ket-qua/", bo.result_record, name="bo_result"),
    path(
        "quan-ly/bieu-quyet/thon/<int:mv_id>/hop/chuyen-phieu/",
        bo.switch_to_ballot,
        name="bo_switch",
    ),
    path("quan-ly/bieu-quyet/thon/<int:mv_id>/phieu/", bo.ballots, name="bo_ballots"),
    path("quan-ly/bieu-quyet/thon/<int:mv_id>/phieu/phat/", bo.ballots_issue, name="bo_issue"),
    path("quan-ly/bieu-quyet/thon/<int:mv_id>/phieu/danh-dau/", bo.ballot_mark, name="bo_mark"),
    path("quan-ly/bieu-quyet/thon/<int:mv_id>/phieu/nhap/", bo.ballot_enter, name="bo_enter"),
    path("quan-ly/bieu-quyet/thon/<int:mv_id>/phieu/xu-ly/", bo.ballot_resolve, name="bo_resolve"),
    path(
        "quan-ly/bieu-quyet/thon/<int:mv_id>/phieu/chung-kien/",
        bo.witnesses_record,
        name="bo_witnesses",
    ),
    # The online opt-in poll, cancelling, sending and recognition (Decree 59/2023 Art. 5(2)(c);
    # Law 10/2022 Art. 20(3), 21(2)).
    path("quan-ly/bieu-quyet/<int:pk>/huy/", steps.matter_cancel, name="bo_cancel"),
    path("bieu-quyet/<int:mv_id>/truc-tuyen/", steps.household_opt_in, name="optin_household"),
    path("quan-ly/bieu-quyet/thon/<int:mv_id>/truc-tuyen/", steps.online_opt_in, name="bo_optin"),
    path(
        "quan-ly/bieu-quyet/thon/<int:mv_id>/cong-nhan/",
        steps.recognition_page,
        name="bo_recognition",
    ),
    path(
        "quan-ly/bieu-quyet/thon/<int:mv_id>/cong-nhan/gui/",
        steps.decision_send,
        name="bo_decision_send",
    ),
    path(
        "quan-ly/bieu-quyet/thon/<int:mv_id>/cong-nhan/cong-nhan/",
        steps.decision_recognise,
        name="bo_decision_recognise",
    ),
    path(
        "quan-ly/bieu-quyet/thon/<int:mv_id>/cong-nhan/tu-choi/",
        steps.decision_refuse,
        name="bo_decision_refuse",
    ),
    path(
        "quan-ly/xa/<str:code>/bieu-quyet/cong-nhan/",
        steps.recognition_register,
        name="bo_recognition_register",
    ),
    # Citizen initiatives (Law 10/2022 Art. 16(3)).
    path("xa/<str:code>/sang-kien/", initiative_views.public_list, name="initiative_list"),
    path(
        "xa/<str:code>/sang-kien/de-xuat/",
        initiative_views.propose,
        name="initiative_propose",
    ),
    path(
        "xa/<str:code>/sang-kien/<int:pk>/",
        initiative_views.public_detail,
        name="initiative_detail",
    ),
    path(
        "xa/<str:code>/sang-kien/<int:pk>/dong-y/",
        initiative_views.consent,
        name="initiative_consent",
    ),
    path(
        "xa/<str:code>/sang-kien/<int:pk>/rut/",
        initiative_views.withdraw,
        name="initiative_withdraw",
    ),
    path(
        "quan-ly/xa/<str:code>/sang-kien/",
        initiative_views.backoffice_list,
        name="bo_initiatives",
    ),
    path(
        "quan-ly/xa/<str:code>/sang-kien/<int:pk>/",
        initiative_views.backoffice_detail,
        name="bo_initiative",
    ),
]
