"""URLs of community decisions: the public results (/xa/…/bieu-quyet/), the household
representative's online vote (/bieu-quyet/…/) and the back office (/quan-ly/…/bieu-quyet/)."""

from django.urls import path

from danchu.decisions import backoffice_pages as steps
from danchu.decisions import backoffice_views as bo
from danchu.decisions import (
    bulletin_views,
    cluster_views,
    initiative_views,
    office_views,
    paper_views,
    public_views,
    secret_paper_views,
)
from danchu.decisions import election_views as ev

app_name = "decisions"
urlpatterns = [
    # Public: no sign-in.
    path("xa/<str:code>/bieu-quyet/", public_views.public_list, name="public_list"),
    path("xa/<str:code>/bieu-quyet/<int:pk>/", public_views.public_detail, name="public_detail"),
    # The secret ballot's bulletin: check one's tracking code, download and recount.
    path(
        "xa/<str:code>/bieu-quyet/<int:pk>/bang-tin/",
        bulletin_views.bulletin_page,
        name="public_bulletin",
    ),
    path(
        "xa/<str:code>/bieu-quyet/<int:pk>/bang-tin.csv",
        bulletin_views.bulletin_csv,
        name="public_bulletin_csv",
    ),
    path(
        "xa/<str:code>/bieu-quyet/<int:pk>/bang-tin.json",
        bulletin_views.bulletin_json,
        name="public_bulletin_json",
    ),
    path(
        "xa/<str:code>/bieu-quyet/<int:pk>/thon/<int:mv_id>/quyet-dinh.<str:ext>",
        paper_views.public_decision,
        name="public_decision",
    ),
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
    path(
        "quan-ly/bieu-quyet/thon/<int:mv_id>/phieu-kin/",
        secret_paper_views.inner_ballots,
        name="bo_inner_ballots",
    ),
    # Printed papers and the meeting's check-in (decisions.paper_views).
    path(
        "quan-ly/bieu-quyet/thon/<int:mv_id>/phieu/in/",
        paper_views.ballots_print,
        name="bo_ballots_print",
    ),
    path(
        "quan-ly/bieu-quyet/thon/<int:mv_id>/hop/danh-sach/",
        paper_views.attendance_sheet,
        name="bo_attendance_sheet",
    ),
    path(
        "quan-ly/bieu-quyet/thon/<int:mv_id>/hop/check-in/",
        paper_views.check_in,
        name="bo_check_in",
    ),
    # Meetings by residential cluster (decisions.cluster_views).
    path(
        "quan-ly/bieu-quyet/thon/<int:mv_id>/hop/cum/",
        cluster_views.clusters_page,
        name="bo_clusters",
    ),
    path(
        "quan-ly/bieu-quyet/thon/<int:mv_id>/hop/cum/ke-hoach/",
        cluster_views.cluster_plan,
        name="bo_clusters_plan",
    ),
    path(
        "quan-ly/bieu-quyet/thon/<int:mv_id>/hop/cum/phe-duyet/",
        cluster_views.cluster_plan_approve,
        name="bo_clusters_approve",
    ),
    path(
        "quan-ly/bieu-quyet/thon/<int:mv_id>/hop/cum/ket-qua-cum/",
        cluster_views.cluster_session,
        name="bo_clusters_session",
    ),
    path(
        "quan-ly/bieu-quyet/thon/<int:mv_id>/hop/cum/tong-hop/",
        cluster_views.cluster_combine,
        name="bo_clusters_combine",
    ),
]

# Village-head elections and dismissals (Decree 59/2023 Art. 6–9).
urlpatterns += [
    path("quan-ly/bieu-quyet/thon/<int:mv_id>/bau-cu/", ev.election, name="bo_election"),
    path(
        "quan-ly/bieu-quyet/thon/<int:mv_id>/bau-cu/<slug:step>/",
        ev.election_step,
        name="bo_election_step",
    ),
    path("quan-ly/xa/<str:code>/mien-nhiem/", ev.dismissals, name="bo_dismissals"),
    path("quan-ly/mien-nhiem/<int:pk>/", ev.dismissal_detail, name="bo_dismissal"),
    path("quan-ly/mien-nhiem/<int:pk>/<slug:step>/", ev.dismissal_step, name="bo_dismissal_step"),
    # Who holds the office (Decree 59/2023 Art. 8–9).
    path("xa/<str:code>/truong-thon/", office_views.heads_public, name="heads"),
    path("quan-ly/xa/<str:code>/truong-thon/", office_views.offices, name="bo_offices"),
    path(
        "quan-ly/xa/<str:code>/truong-thon/nhap/",
        office_views.offices_import,
        name="bo_offices_import",
    ),
    path(
        "quan-ly/xa/<str:code>/truong-thon/mau.xlsx",
        office_views.offices_template,
        name="bo_offices_template",
    ),
    path(
        "quan-ly/thon/<int:village_id>/truong-thon/",
        office_views.village_office,
        name="bo_office",
    ),
    path(
        "quan-ly/thon/<int:village_id>/truong-thon/<slug:step>/",
        office_views.village_office_step,
        name="bo_office_step",
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
