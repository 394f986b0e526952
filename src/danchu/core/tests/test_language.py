"""Vietnamese first: pages are Vietnamese whatever the browser asks, until the person switches."""

import pytest


@pytest.mark.django_db
def test_pages_are_vietnamese_even_for_an_english_browser(client):
    response = client.get("/tai-khoan/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert '<html lang="vi"' in response.content.decode()


@pytest.mark.django_db
def test_the_language_switch_makes_pages_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/tai-khoan/dang-nhap/")
    assert '<html lang="en"' in response.content.decode()


@pytest.mark.django_db
def test_api_clients_still_negotiate_the_language(client):
    response = client.get("/api/v1/units?limit=1000", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    english = response.json()["message"]
    response = client.get("/api/v1/units?limit=1000", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.json()["message"] != english
