"""Dialogue pages: public list with commitments; residents ask and support; back office."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from danchu.accounts.models import Role
from danchu.petitions import dialogues
from danchu.petitions.models import DialogueCommitment, DialogueQuestion
from danchu.petitions.tests.community_factories import person

pytestmark = pytest.mark.django_db


def test_public_dialogues_ask_and_support(client, commune, official):
    dialogue = dialogues.dialogue_create(
        actor=official, commune=commune, title="Đối thoại quý IV",
        held_on=datetime.date(2099, 1, 5), place="Hội trường",
    )  # fmt: skip
    url = reverse("petitions:community:dialogues", args=[commune.code])
    assert "Đối thoại quý IV" in client.get(url).content.decode()
    ask = reverse("petitions:community:ask", args=[commune.code, dialogue.pk])
    assert client.post(ask, {"text": "Đường?"}).status_code == 302  # to sign in
    assert not DialogueQuestion.objects.exists()
    resident = person(commune)
    client.force_login(resident)
    assert client.post(ask, {"text": ""}).status_code == 400
    assert client.post(ask, {"text": "Bao giờ làm đường?"}).status_code == 302
    question = DialogueQuestion.objects.get()
    support = reverse("petitions:community:support", args=[commune.code, question.pk])
    client.post(support)
    client.post(support)
    question.refresh_from_db()
    assert question.supports == 1
    client.force_login(person(commune, Role.FRONT_OFFICER))
    assert client.post(ask, {"text": "?"}).status_code == 403


def test_back_office_dialogue_flow(client, commune, official):
    client.force_login(official)
    url = reverse("petitions:community:bo_dialogues", args=[commune.code])
    response = client.post(url, {"title": "Đối thoại", "held_on": "2026-01-10", "place": "UBND"})
    assert response.status_code == 302
    detail = response["Location"]
    assert client.post(detail, {"hold": "1", "summary": "Biên bản"}).status_code == 302
    assert client.post(detail, {
        "commitment_new": "1", "text": "Sửa cầu", "responsible": "UBND xã", "due_on": "2026-02-01",
    }).status_code == 302  # fmt: skip
    commitment = DialogueCommitment.objects.get()
    assert client.post(detail, {
        "fulfil": "1", "commitment": commitment.pk, "fulfilled_on": "2026-01-30", "result": "Xong",
    }).status_code == 302  # fmt: skip
    commitment.refresh_from_db()
    assert commitment.status == DialogueCommitment.Status.FULFILLED
    public = client.get(
        reverse("petitions:community:dialogues", args=[commune.code])
    ).content.decode()
    assert "Sửa cầu" in public


def test_public_dialogues_query_count_is_constant(client, commune, official):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("petitions:community:dialogues", args=[commune.code])

    def add():
        dialogue = dialogues.dialogue_create(
            actor=official, commune=commune, title="Đối thoại", held_on=datetime.date(2099, 1, 5),
            place="Hội trường",
        )  # fmt: skip
        dialogues.question_ask(actor=person(commune), dialogue=dialogue, text="Hỏi?")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    add()
    count()
    small = count()
    for _ in range(4):
        add()
    assert count() == small
