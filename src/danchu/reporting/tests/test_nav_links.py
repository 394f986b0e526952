"""The commune's back-office menu leads to the steering pages, each only for those it lets in."""

from django.urls import reverse

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory


def _menu(client, user, commune) -> str:
    client.force_login(user)
    response = client.get(reverse("web:villages", args=[commune.code]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_chair_sees_every_steering_page(client, chair, commune):
    html = _menu(client, chair, commune)
    for name in ("review_list", "steering_plans", "emulation_rounds"):
        assert reverse(f"reporting:{name}", args=["xa", commune.code]) in html
    assert reverse("reporting:dashboard_commune", args=[commune.code]) in html


def test_a_village_head_sees_neither_reviews_nor_emulation(client, commune, village):
    head = RoleAssignmentFactory(commune=commune, village=village, role=Role.VILLAGE_HEAD).user
    html = _menu(client, head, commune)
    assert reverse("reporting:review_list", args=["xa", commune.code]) not in html
    assert reverse("reporting:emulation_rounds", args=["xa", commune.code]) not in html
