"""Public pages: home, commune home, error pages, language switch, page weight, accessibility."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from danchu.core.text import fold_vi
from danchu.territory.models import AdministrativeUnit, UnitSuccession
from danchu.territory.tests.factories import CommuneFactory, HouseholdFactory, VillageFactory
from danchu.web.tests.html_checks import PageAudit, assert_accessible

pytestmark = pytest.mark.django_db

HOME_BUDGET = 100 * 1024


def test_home_lists_communes_in_use_in_vietnamese(client, commune, profile, other_commune):
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    page = assert_accessible(response.content)
    assert page.html_lang == "vi"
    html = response.content.decode()
    assert "danchu — Dân chủ ở cơ sở" in html
    assert commune.name in html
    assert other_commune.name not in html  # no profile: not "using danchu"
    assert 'href="#main"' in html
    assert 'id="main"' in html


def test_home_search_ignores_diacritics_and_case(client):
    CommuneFactory(name="Xã Đức Lạc", name_folded=fold_vi("Xã Đức Lạc"))
    response = client.get(reverse("web:home"), {"q": "DUC lac"})
    assert response.status_code == 200
    assert "Xã Đức Lạc" in response.content.decode()
    assert_accessible(response.content)


def test_home_search_too_long_is_a_field_error_not_a_500(client):
    response = client.get(reverse("web:home"), {"q": "x" * 500})
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()


def test_home_weighs_under_100_kb(client, commune, profile):
    """HTML plus every stylesheet, script and image it references, on first load."""
    response = client.get(reverse("web:home"))
    total = len(response.content)
    page = PageAudit()
    page.feed(response.content.decode())
    assert page.assets, "the page should reference its stylesheet"
    for url in page.assets:
        if url.startswith("data:"):  # inline, already counted in the HTML
            continue
        assert url.startswith("/static/"), url
        path = finders.find(url.removeprefix("/static/"))
        assert path, f"{url} not found"
        total += Path(path).stat().st_size
    assert total < HOME_BUDGET, f"home page weighs {total} bytes"


def test_commune_home_shows_origin_contacts_villages_and_news(client, commune, profile):
    former = AdministrativeUnit.objects.create(
        era=AdministrativeUnit.Era.FORMER,
        level="commune",
        code="18406",
        name="Thị trấn Nghèn",
        name_folded="thi tran nghen",
    )
    UnitSuccession.objects.create(predecessor=former, successor=commune)
    village = VillageFactory(commune=commune, name="Thôn Trung Tâm")
    HouseholdFactory.create_batch(3, village=village)
    response = client.get(reverse("web:commune_home", args=[commune.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thành lập từ:" in html
    assert "Thị trấn Nghèn" in html
    assert profile.phone in html
    assert profile.email in html
    assert "Thôn Trung Tâm" in html
    assert "<td>3</td>" in html
    assert "Chưa có tin mới" in html
    assert_accessible(response.content)


def test_unknown_commune_is_a_vietnamese_404(client):
    response = client.get(reverse("web:commune_home", args=["00000"]))
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_former_unit_code_is_not_a_public_commune(client):
    AdministrativeUnit.objects.create(
        era=AdministrativeUnit.Era.FORMER, level="commune", code="77777", name="Xã Cũ"
    )
    assert client.get(reverse("web:commune_home", args=["77777"])).status_code == 404


def test_language_switch_works_without_javascript(commune, profile):
    client = Client(enforce_csrf_checks=True)
    home = client.get(reverse("web:home"))
    assert "Trang chủ" in home.content.decode()
    token = home.cookies["csrftoken"].value
    # The switch is a plain form: POST language + next to set_language, like a browser without JS.
    response = client.post(
        reverse("set_language"),
        {"language": "en", "next": "/", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    english = client.get(response["Location"])
    page = assert_accessible(english.content)
    assert page.html_lang == "en"
    assert "Communes using danchu" in english.content.decode()


def test_language_switch_form_is_on_every_page(client, commune):
    for url in (reverse("web:home"), reverse("web:commune_home", args=[commune.code])):
        html = client.get(url).content.decode()
        assert f'action="{reverse("set_language")}"' in html
        assert 'name="language" value="en"' in html
        assert 'name="next"' in html


def test_stylesheet_is_small_and_has_focus_styles():
    css = Path(finders.find("web/site.css")).read_text()
    assert len(css.encode()) < 8 * 1024
    assert ":focus" in css


@pytest.mark.parametrize("name", ["accounts:login", "accounts:slip", "accounts:phone"])
def test_sign_in_pages_in_the_shell_are_labelled(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert_accessible(response.content)


def test_signed_in_resident_is_shown_their_household(client, commune, village):
    from danchu.accounts.services import resident_account_for
    from danchu.territory.tests.factories import ResidentFactory

    household = HouseholdFactory(village=village)
    resident = ResidentFactory(household=household, is_representative=True)
    client.force_login(resident_account_for(actor=None, resident=resident))
    assert reverse("web:my_household") in client.get(reverse("web:home")).content.decode()
    response = client.get(reverse("web:my_household"))
    assert response.status_code == 200
    html = response.content.decode()
    assert household.code in html
    assert commune.name in html
    assert resident.full_name in html
    assert_accessible(html)
