"""The dialogues API: public dialogues with questions (askers only when named), answers,
commitments and their progress; cancelled dialogues are not public."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from danchu.petitions import dialogues
from danchu.petitions.tests.community_factories import person

pytestmark = pytest.mark.django_db
D = datetime.date
JUNE_15 = D(2026, 6, 15)


def _dialogue(official, commune, held_on=JUNE_15):
    return dialogues.dialogue_create(
        actor=official, commune=commune, title="Đối thoại", held_on=held_on, place="Hội trường"
    )


def test_dialogue_list_hides_unnamed_askers(client, commune, official):
    dialogue = _dialogue(official, commune)
    named = person(commune)
    named.full_name = "Lê Văn Công Khai"
    named.save()
    hidden = person(commune)
    hidden.full_name = "Phạm Thị Ẩn Danh"
    hidden.save()
    dialogues.question_ask(actor=named, dialogue=dialogue, text="Đường?", show_name=True)
    dialogues.question_ask(actor=hidden, dialogue=dialogue, text="Chợ?")
    response = client.get(f"/api/v1/communes/{commune.code}/dialogues")
    assert response.status_code == 200
    item = response.json()["items"][0]
    assert {q["asked_by"] for q in item["questions"]} == {"Lê Văn Công Khai", ""}
    assert "Ẩn Danh" not in response.content.decode()


def test_commitments_and_cancelled(client, commune, official):
    dialogue = _dialogue(official, commune, D(2025, 6, 15))
    dialogues.dialogue_hold(actor=official, dialogue=dialogue, summary="Biên bản")
    dialogues.commitment_create(
        actor=official, dialogue=dialogue, text="Sửa cầu", responsible="UBND xã",
        due_on=D(2025, 9, 1),
    )  # fmt: skip
    cancelled = _dialogue(official, commune)
    dialogues.dialogue_cancel(actor=official, dialogue=cancelled)
    body = client.get(f"/api/v1/dialogues/{dialogue.pk}").json()
    assert body["commitments"][0]["overdue"] is True
    assert client.get(f"/api/v1/dialogues/{cancelled.pk}").status_code == 404
    figures = client.get(f"/api/v1/communes/{commune.code}/dialogue-figures", {"year": 2025}).json()
    assert figures["dialogues_held"] == 1
    assert figures["overdue"] == 1
    assert figures["years_missing"] == []


def test_dialogue_list_query_count_is_constant(client, commune, official):
    url = f"/api/v1/communes/{commune.code}/dialogues"
    _dialogue(official, commune)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count()
    for _ in range(5):
        dialogue = _dialogue(official, commune)
        dialogues.question_ask(actor=person(commune), dialogue=dialogue, text="?")
    assert count() == small
