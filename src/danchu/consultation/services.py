"""Writes on consultations: one function per use case, atomic, with its audit entry.

Law 10/2022 Art. 25–28: the commune opens a consultation on a draft and publishes it through the
disclosure register (Art. 11(11)); residents and officials record opinions; the commune answers
them in a synthesis (tiếp thu, giải trình) which it publishes; a decision that departs from the
majority carries its explanation (Art. 28(4)). Art. 27: citizens burdened by a draft decision are
told before it and their views are kept. Decree 61/2023 Art. 9: convention drafts.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts.permissions import Action, require
from danchu.consultation.models import (
    AffectedCitizen,
    Consultation,
    Opinion,
    OpinionGroup,
    Section,
)
from danchu.consultation.rules import Category, Form, Outcome, minimum_days
from danchu.core import audit, calendar
from danchu.core.crypto import blind_index
from danchu.core.errors import ApplicationError, ValidationFailed
from danchu.core.text import fold_vi, normalize_spaces
from danchu.territory.models import AdministrativeUnit, Village

__all__ = [
    "ConsultationData",
    "affected_citizen_add",
    "affected_citizen_record_views",
    "consultation_close",
    "consultation_create",
    "consultation_link_matter",
    "consultation_publish",
    "decision_record",
    "draft_upload",
    "group_answer",
    "group_create",
    "opinion_enter",
    "opinion_submit",
    "opinions_assign",
    "split_sections",
    "synthesis_publish",
]

TITLE_MAX, TEXT_MAX, OPINION_MAX, ANSWER_MAX = 300, 200_000, 5000, 5000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Headings that start a part of a Vietnamese legal draft: "Điều 3.", "Chương II", "Mục 1".
_HEADING = re.compile(r"^\s*((Điều|Chương|Mục|Phần|Article|Chapter)\s+[0-9IVXLC]+\b.*)$", re.I)
# Reference numbers: no 0/O, 1/I/L to be read over the phone; 31^8 ≈ 8.5e11 cannot be guessed.
_REF_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# Opinions entered by officials come from these forms; the web form is the resident's own.
PAPER_FORMS = frozenset(Form.values) - {Form.WEB}


@dataclass
class ConsultationData:
    """What an official enters to open a consultation."""

    category: int
    title: str
    plan_document: str  # the consultation plan or the draft's cover document (Art. 28(1))
    plan_issued_on: date
    period_days: int
    summary: str = ""
    draft_text: str = ""
    forms: Sequence[str] = (Form.WEB,)
    village_ids: Sequence[int] = field(default_factory=list)  # empty: the whole commune
    groups_concerned: str = ""
    allow_phone: bool = False
    is_convention: bool = False


def _fail(fields: dict[str, list[str]]) -> ValidationFailed:
    return ValidationFailed(_("Please correct the errors below."), fields=fields)


def _text_error(value: str, limit: int) -> str | None:
    if _CONTROL.search(value or ""):
        return _("Remove the invisible control characters from this text.")
    if len(value or "") > limit:
        return _("At most %(limit)s characters.") % {"limit": limit}
    return None


def _person(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def split_sections(text: str) -> list[tuple[str, str]]:
    """Divide a draft into its articles/chapters: (heading, body) in order.

    Text before the first heading is the preamble; a draft without headings has no sections
    (residents then comment on the whole draft).
    """
    parts: list[tuple[str, list[str]]] = []
    for line in (text or "").splitlines():
        match = _HEADING.match(line)
        if match:
            parts.append((normalize_spaces(match.group(1))[:TITLE_MAX], []))
        elif parts:
            parts[-1][1].append(line)
        elif line.strip():
            parts.append((_("Preamble"), [line]))
    if len(parts) == 1 and parts[0][0] == _("Preamble"):
        return []
    return [(heading, "\n".join(body).strip()) for heading, body in parts]


def _clean(data: ConsultationData, commune: AdministrativeUnit) -> list[Village]:
    errors: dict[str, list[str]] = {}
    data.title = normalize_spaces(data.title)
    data.plan_document = normalize_spaces(data.plan_document)
    data.groups_concerned = normalize_spaces(data.groups_concerned)
    if data.category not in Category.values:
        errors["category"] = [_("Choose a subject of Art. 25.")]
    if not data.title:
        errors["title"] = [_("Give the consultation a title.")]
    if not data.plan_document:
        errors["plan_document"] = [_("Name the consultation plan or the draft's document.")]
    for name, limit in (("title", TITLE_MAX), ("plan_document", TITLE_MAX),
                        ("groups_concerned", TITLE_MAX), ("summary", 2000),
                        ("draft_text", TEXT_MAX)):  # fmt: skip
        message = _text_error(getattr(data, name), limit)
        if message and name not in errors:
            errors[name] = [message]
    today = timezone.localdate()
    if not isinstance(data.plan_issued_on, date) or not (
        date(2000, 1, 1) <= data.plan_issued_on <= today
    ):
        errors["plan_issued_on"] = [_("Enter the issue date: not in the future.")]
    forms = list(dict.fromkeys(data.forms))
    if not forms or any(f not in Form.values for f in forms):
        errors["forms"] = [_("Choose at least one form of Art. 26.")]
    data.forms = forms
    # Law 10/2022 Art. 28(2): at least 20 days; Decree 61/2023 Art. 9: 30 for a convention.
    least = minimum_days(convention=data.is_convention)
    if not isinstance(data.period_days, int) or not least <= data.period_days <= 365:
        errors["period_days"] = [
            _("The period is at least %(days)s days from publication.") % {"days": least}
        ]
    villages = list(
        Village.objects.filter(commune=commune, pk__in=list(data.village_ids), is_active=True)
    )
    if len(villages) != len(set(data.village_ids)):
        errors["village_ids"] = [_("Choose active villages of this commune.")]
    if errors:
        raise _fail(errors)
    return villages


def _disclosure_data(consultation: Consultation, data: ConsultationData, body: str) -> Any:
    from danchu.disclosure.rules import Category as DisclosureCategory
    from danchu.disclosure.services import DisclosureData

    return DisclosureData(
        category=DisclosureCategory.CONSULTATION,  # Law 10/2022 Art. 11(11)
        title=_("Consultation: %(title)s") % {"title": consultation.title},
        source_document=data.plan_document,
        source_issued_on=data.plan_issued_on,
        summary=consultation.summary[:2000],
        body=body[:50000],
        village_ids=list(data.village_ids),
        change_note="",
    )


def _state(consultation: Consultation) -> dict[str, Any]:
    return {
        "category": consultation.category,
        "title": consultation.title,
        "status": consultation.status,
        "period_days": consultation.period_days,
        "published_on": consultation.published_on,
        "closes_on": consultation.closes_on,
        "forms": consultation.forms,
        "is_convention": consultation.is_convention,
        "disclosure_id": consultation.disclosure_id,
        "matter_id": consultation.matter_id,
    }


@transaction.atomic
def consultation_create(
    *, actor: Any, commune: AdministrativeUnit, data: ConsultationData
) -> Consultation:
    """Open a consultation as a draft, with its register item (also a draft) and its sections."""
    require(actor, Action.CONSULTATION_CREATE, commune)
    villages = _clean(data, commune)
    consultation = Consultation.objects.create(
        commune=commune, category=data.category, is_convention=data.is_convention,
        title=data.title, summary=data.summary.strip(), draft_text=data.draft_text.strip(),
        all_villages=not villages, groups_concerned=data.groups_concerned, forms=data.forms,
        allow_phone=data.allow_phone, period_days=data.period_days, created_by=_person(actor),
        search_folded=fold_vi(f"{data.title} {data.summary}"),
    )  # fmt: skip
    consultation.villages.set(villages)
    Section.objects.bulk_create(
        Section(commune=commune, consultation=consultation, position=i, heading=h, body=b)
        for i, (h, b) in enumerate(split_sections(consultation.draft_text), start=1)
    )
    from danchu.disclosure.services import disclosure_create

    disclosure = disclosure_create(
        actor=actor, commune=commune,
        data=_disclosure_data(consultation, data, _published_body(consultation)),
    )  # fmt: skip
    consultation.disclosure = disclosure
    consultation.save(update_fields=["disclosure"])
    audit.record(
        actor=actor, action="consultation.create", obj=consultation, commune_id=commune.pk,
        after=_state(consultation),
    )  # fmt: skip
    return consultation


def _published_body(consultation: Consultation) -> str:
    forms = ", ".join(str(Form(f).label) for f in consultation.forms)
    lines = [
        _("Subject (Law 10/2022 Art. 25): %(category)s")
        % {"category": Category(consultation.category).label},
        _("Forms of consultation: %(forms)s") % {"forms": forms},
        _("Period: %(days)s days from publication.") % {"days": consultation.period_days},
    ]
    if consultation.groups_concerned:
        lines.append(_("Groups concerned: %(groups)s") % {"groups": consultation.groups_concerned})
    return "\n".join(lines) + "\n\n" + consultation.draft_text


def _locked(consultation: Consultation) -> Consultation:
    return Consultation.objects.select_for_update().get(pk=consultation.pk)


def draft_upload(*, actor: Any, consultation: Consultation, uploaded_file: Any) -> Any:
    """Attach the draft document: it is stored with the register item that publishes it."""
    require(actor, Action.CONSULTATION_MANAGE, consultation)
    if consultation.status != Consultation.Status.DRAFT or consultation.disclosure is None:
        raise ApplicationError(_("The draft can only change before publication."), code="frozen")
    from danchu.disclosure.services import attachment_add

    return attachment_add(
        actor=actor, disclosure=consultation.disclosure, uploaded_file=uploaded_file
    )


def closing_day(published_on: date, period_days: int, *, commune: Any) -> date:
    """The last day for opinions: ``period_days`` calendar days after publication (Civil Code
    Art. 147(1)), moved to the next working day when it falls on a weekend or holiday
    (Art. 148(5)) — by the project's calendar with the commune's adjustments."""
    return calendar.add_days_rolled(published_on, period_days, commune=commune)


@transaction.atomic
def consultation_publish(*, actor: Any, consultation: Consultation) -> Consultation:
    """Publish the draft through the disclosure register and open the period.

    Law 10/2022 Art. 28(2): the period runs at least 20 days (Decree 61 Art. 9: 30 for a
    convention) from the day of publication: the last day for opinions is published_on + period,
    rolled to the next working day (:func:`closing_day`).
    """
    require(actor, Action.CONSULTATION_MANAGE, consultation)
    consultation = _locked(consultation)
    if consultation.status != Consultation.Status.DRAFT:
        raise ApplicationError(_("This consultation is already published."), code="conflict")
    from danchu.disclosure.services import disclosure_publish

    assert consultation.disclosure is not None
    disclosure_publish(actor=actor, disclosure=consultation.disclosure)
    consultation.published_on = timezone.localdate()
    consultation.closes_on = closing_day(
        consultation.published_on, consultation.period_days, commune=consultation.commune
    )
    consultation.status = Consultation.Status.OPEN
    consultation.save(update_fields=["published_on", "closes_on", "status"])
    audit.record(
        actor=actor, action="consultation.publish", obj=consultation,
        commune_id=consultation.commune_id, after=_state(consultation),
    )  # fmt: skip
    return consultation


@transaction.atomic
def consultation_close(*, actor: Any, consultation: Consultation) -> Consultation:
    """Close after the last day for opinions; never earlier (Art. 28(2))."""
    require(actor, Action.CONSULTATION_MANAGE, consultation)
    consultation = _locked(consultation)
    if consultation.status != Consultation.Status.OPEN:
        raise ApplicationError(_("Only an open consultation can be closed."), code="conflict")
    assert consultation.closes_on is not None
    if timezone.localdate() <= consultation.closes_on:
        raise ApplicationError(
            _("Residents may give opinions until %(date)s: close it after that day.")
            % {"date": consultation.closes_on.strftime("%d/%m/%Y")},
            code="too_early",
        )
    consultation.status = Consultation.Status.CLOSED
    consultation.save(update_fields=["status"])
    audit.record(
        actor=actor, action="consultation.close", obj=consultation,
        commune_id=consultation.commune_id, after=_state(consultation),
    )  # fmt: skip
    return consultation


def is_open_for_opinions(consultation: Consultation, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        consultation.status == Consultation.Status.OPEN
        and consultation.closes_on is not None
        and today <= consultation.closes_on
    )


def _new_reference() -> str:
    code = "".join(secrets.choice(_REF_ALPHABET) for _i in range(8))
    return f"YK-{code[:4]}-{code[4:]}"


def _opinion_errors(
    consultation: Consultation, body: str, section: Section | None, village: Village | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not body:
        errors["body"] = [_("Write your opinion.")]
    elif message := _text_error(body, OPINION_MAX):
        errors["body"] = [message]
    if section is not None and section.consultation_id != consultation.pk:
        errors["section"] = [_("Choose a part of this draft.")]
    if village is not None and village.commune_id != consultation.commune_id:
        errors["village"] = [_("Choose a village of this commune.")]
    return errors


def _save_opinion(**fields: Any) -> Opinion:
    # A reference collision (1 in ~10^11) is retried rather than shown as an error.
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Opinion.objects.create(reference=_new_reference(), **fields)
        except IntegrityError:
            continue
    raise ApplicationError(_("Please try again."), code="conflict")


@transaction.atomic
def opinion_submit(
    *,
    actor: Any,
    consultation: Consultation,
    body: str,
    section: Section | None = None,
    via_phone: str = "",
) -> Opinion:
    """A resident gives an opinion on the web, on the whole draft or on one section.

    ``via_phone``: the phone number the resident just verified with a code (where the commune
    allows opinions that way); only its keyed hash is kept.
    """
    require(actor, Action.OPINION_SUBMIT, consultation)
    body = (body or "").strip()
    if not is_open_for_opinions(consultation):
        raise ApplicationError(_("This consultation is not open for opinions."), code="closed")
    if via_phone and not consultation.allow_phone:
        raise ApplicationError(_("This consultation takes opinions from signed-in residents."),
                               code="phone_not_allowed")  # fmt: skip
    resident = getattr(actor, "resident", None)
    village = resident.household.village if resident is not None else None
    errors = _opinion_errors(consultation, body, section, village)
    if errors:
        raise _fail(errors)
    opinion = _save_opinion(
        commune_id=consultation.commune_id, consultation=consultation, section=section,
        form=Form.WEB, body=body, author=actor,
        author_name=(getattr(actor, "full_name", "") or "")[:200],
        phone_index=blind_index(via_phone) if via_phone else "", village=village,
        entered_by=actor,
    )  # fmt: skip
    audit.record(
        actor=actor, action="consultation.opinion.submit", obj=opinion,
        commune_id=consultation.commune_id,
        after={"reference": opinion.reference, "section_id": opinion.section_id,
               "form": opinion.form, "via_phone": bool(via_phone)},
    )  # fmt: skip
    return opinion


@transaction.atomic
def opinion_enter(
    *,
    actor: Any,
    consultation: Consultation,
    body: str,
    form: str,
    source: str,
    author_name: str = "",
    section: Section | None = None,
    village: Village | None = None,
) -> Opinion:
    """An official enters an opinion received on paper, in the box or at a meeting.

    Its source (which meeting, which box, which form) is required: the synthesis must be
    traceable to what residents actually said. Paper arrives late: accepted until the
    synthesis is published.
    """
    require(actor, Action.OPINION_ENTER, consultation)
    body, source = (body or "").strip(), normalize_spaces(source)
    author_name = normalize_spaces(author_name)
    if consultation.status not in (Consultation.Status.OPEN, Consultation.Status.CLOSED):
        raise ApplicationError(_("This consultation does not take opinions now."), code="closed")
    errors = _opinion_errors(consultation, body, section, village)
    if form not in PAPER_FORMS:
        errors["form"] = [_("Choose how the opinion was received.")]
    if not source:
        errors["source"] = [_("Say where the opinion came from (meeting, form, box).")]
    for name, value in (("source", source), ("author_name", author_name)):
        if (message := _text_error(value, 200)) and name not in errors:
            errors[name] = [message]
    if errors:
        raise _fail(errors)
    opinion = _save_opinion(
        commune_id=consultation.commune_id, consultation=consultation, section=section,
        form=form, source=source, body=body, author_name=author_name, village=village,
        entered_by=_person(actor),
    )  # fmt: skip
    audit.record(
        actor=actor, action="consultation.opinion.enter", obj=opinion,
        commune_id=consultation.commune_id,
        after={"reference": opinion.reference, "form": form, "source": source},
    )  # fmt: skip
    return opinion


def _synthesis_editable(consultation: Consultation) -> Consultation:
    # Locked and read again: a synthesis published meanwhile freezes the groups.
    consultation = _locked(consultation)
    if consultation.status not in (Consultation.Status.OPEN, Consultation.Status.CLOSED):
        raise ApplicationError(
            _("The synthesis is published: it can no longer change."), code="frozen"
        )
    return consultation


def _opinions_of(consultation: Consultation, opinion_ids: Sequence[int]) -> list[Opinion]:
    ids = set(opinion_ids)
    opinions = list(Opinion.objects.filter(consultation=consultation, pk__in=ids))
    if not ids or len(opinions) != len(ids):
        raise _fail({"opinion_ids": [_("Choose opinions of this consultation.")]})
    return opinions


@transaction.atomic
def group_create(
    *,
    actor: Any,
    consultation: Consultation,
    topic: str,
    opinion_ids: Sequence[int],
    section: Section | None = None,
) -> OpinionGroup:
    """The official groups opinions under a topic (a suggestion is only applied through here)."""
    require(actor, Action.CONSULTATION_MANAGE, consultation)
    _synthesis_editable(consultation)
    topic = normalize_spaces(topic)
    errors: dict[str, list[str]] = {}
    if not topic:
        errors["topic"] = [_("Name the topic of these opinions.")]
    elif message := _text_error(topic, TITLE_MAX):
        errors["topic"] = [message]
    if section is not None and section.consultation_id != consultation.pk:
        errors["section"] = [_("Choose a part of this draft.")]
    if errors:
        raise _fail(errors)
    opinions = _opinions_of(consultation, opinion_ids)
    group = OpinionGroup.objects.create(
        commune_id=consultation.commune_id, consultation=consultation, section=section,
        topic=topic,
    )  # fmt: skip
    Opinion.objects.filter(pk__in=[o.pk for o in opinions]).update(group=group)
    audit.record(
        actor=actor, action="consultation.group.create", obj=group,
        commune_id=consultation.commune_id,
        after={"topic": topic, "opinions": sorted(o.pk for o in opinions)},
    )  # fmt: skip
    return group


@transaction.atomic
def opinions_assign(*, actor: Any, group: OpinionGroup, opinion_ids: Sequence[int]) -> OpinionGroup:
    """Move opinions into a group (the official changes a suggested grouping)."""
    consultation = group.consultation
    require(actor, Action.CONSULTATION_MANAGE, consultation)
    _synthesis_editable(consultation)
    opinions = _opinions_of(consultation, opinion_ids)
    Opinion.objects.filter(pk__in=[o.pk for o in opinions]).update(group=group)
    audit.record(
        actor=actor, action="consultation.group.assign", obj=group,
        commune_id=consultation.commune_id, after={"opinions": sorted(o.pk for o in opinions)},
    )  # fmt: skip
    return group


@transaction.atomic
def group_answer(*, actor: Any, group: OpinionGroup, outcome: str, answer: str) -> OpinionGroup:
    """Record whether a group of opinions is accepted (the change made) or not (why).

    Law 10/2022 Art. 28(3): tiếp thu, giải trình — both outcomes need their text.
    """
    require(actor, Action.CONSULTATION_MANAGE, group.consultation)
    _synthesis_editable(group.consultation)
    answer = (answer or "").strip()
    errors: dict[str, list[str]] = {}
    if outcome not in (Outcome.ACCEPTED, Outcome.NOT_ACCEPTED):
        errors["outcome"] = [_("Choose accepted or not accepted.")]
    if not answer:
        errors["answer"] = [
            _("Say what changed in the draft.")
            if outcome == Outcome.ACCEPTED
            else _("Explain why the opinions are not accepted.")
        ]
    elif message := _text_error(answer, ANSWER_MAX):
        errors["answer"] = [message]
    if errors:
        raise _fail(errors)
    group = OpinionGroup.objects.select_for_update().get(pk=group.pk)
    before = {"outcome": group.outcome, "answer": group.answer}
    group.outcome, group.answer = outcome, answer
    group.decided_by, group.decided_at = _person(actor), timezone.now()
    group.save()
    audit.record(
        actor=actor, action="consultation.group.answer", obj=group,
        commune_id=group.commune_id, before=before, after={"outcome": outcome, "answer": answer},
    )  # fmt: skip
    return group


def synthesis_text(consultation: Consultation) -> str:
    """The synthesis as published: each group, its count of opinions and its answer."""
    from django.db.models import Count

    groups = (
        OpinionGroup.objects.filter(consultation=consultation)
        .select_related("section")
        .annotate(count=Count("opinions"))
        .order_by("section__position", "id")
    )
    total = Opinion.objects.filter(consultation=consultation).count()
    lines = [_("Synthesis of %(count)s opinions received.") % {"count": total}, ""]
    for group in groups:
        where = group.section.heading if group.section else _("The whole draft")
        lines.append(f"{where} — {group.topic} ({group.count})")  # type: ignore[attr-defined]
        lines.append(f"{Outcome(group.outcome).label}: {group.answer}")
        lines.append("")
    return "\n".join(lines).strip()


@transaction.atomic
def synthesis_publish(*, actor: Any, consultation: Consultation) -> Consultation:
    """Publish the synthesis and the explanation (Law 10/2022 Art. 28(3), Art. 11(11)).

    Every opinion must be in a group and every group answered: nothing is published that a
    person has not decided. The synthesis is the register item's next version, so the draft
    that was consulted stays readable beside it.
    """
    require(actor, Action.CONSULTATION_MANAGE, consultation)
    consultation = _locked(consultation)
    if consultation.status != Consultation.Status.CLOSED:
        raise ApplicationError(
            _("Close the consultation before publishing its synthesis."), code="conflict"
        )
    opinions = Opinion.objects.filter(consultation=consultation)
    if opinions.filter(group__isnull=True).exists():
        raise ApplicationError(
            _("Some opinions are not in a group yet: every opinion must be answered."),
            code="unanswered",
        )
    if OpinionGroup.objects.filter(consultation=consultation, outcome=Outcome.PENDING).exists():
        raise ApplicationError(
            _("Some groups have no answer yet: accept them or explain why not."),
            code="unanswered",
        )
    from danchu.disclosure.services import DisclosureData, disclosure_publish, disclosure_update

    disclosure = consultation.disclosure
    assert disclosure is not None
    version = disclosure.current_version
    assert version is not None
    today = timezone.localdate()
    disclosure_update(
        actor=actor, disclosure=disclosure,
        data=DisclosureData(
            category=version.category, title=version.title,
            source_document=version.source_document, source_issued_on=version.source_issued_on,
            summary=version.summary, body=synthesis_text(consultation)[:50000],
            village_ids=list(consultation.villages.values_list("pk", flat=True)),
            change_note=_("Synthesis of opinions and the commune's answers (%(date)s).")
            % {"date": today.strftime("%d/%m/%Y")},
        ),
    )  # fmt: skip
    disclosure.refresh_from_db()
    disclosure_publish(actor=actor, disclosure=disclosure)
    consultation.status = Consultation.Status.ANSWERED
    consultation.synthesis_published_at = timezone.now()
    consultation.save(update_fields=["status", "synthesis_published_at"])
    _tell_authors(consultation)
    audit.record(
        actor=actor, action="consultation.synthesis.publish", obj=consultation,
        commune_id=consultation.commune_id, after=_state(consultation),
    )  # fmt: skip
    return consultation


def _tell_authors(consultation: Consultation) -> None:
    """Residents who commented on the web learn that their opinion was answered."""
    from django.contrib.auth import get_user_model

    from danchu.notifications.services import notify

    author_ids = set(
        Opinion.objects.filter(consultation=consultation, author__isnull=False).values_list(
            "author_id", flat=True
        )
    )
    if not author_ids:
        return
    notify(
        event_key=f"consultation:{consultation.pk}:synthesis",
        recipients=get_user_model().objects.filter(pk__in=author_ids),
        template="generic",
        context={
            "title": _("Your opinion was answered"),
            "body": _("The commune published its answers to the opinions on “%(title)s”.")
            % {"title": consultation.title},
        },
        commune=consultation.commune,
    )


def majority_not_accepted(consultation: Consultation) -> bool:
    """More than half of all opinions are in groups the commune did not accept.

    The law does not define "the majority opinion" (Art. 28(4)); danchu reads it from the
    synthesis: when the answered opinions mostly went unaccepted, the decision departs from them.
    """
    opinions = Opinion.objects.filter(consultation=consultation)
    total = opinions.count()
    refused = opinions.filter(group__outcome=Outcome.NOT_ACCEPTED).count()
    return total > 0 and refused * 2 > total


@transaction.atomic
def decision_record(
    *,
    actor: Any,
    consultation: Consultation,
    reference: str,
    issued_on: date,
    departs_from_majority: bool = False,
    explanation: str = "",
) -> Consultation:
    """Record the decision taken after the consultation as issued.

    Law 10/2022 Art. 28(4): a decision that differs from the majority opinion is explained; it
    cannot be recorded as issued without that explanation. Art. 27: for a decision burdening
    named citizens, each of them must have been told first.
    """
    require(actor, Action.CONSULTATION_MANAGE, consultation)
    consultation = _locked(consultation)
    if consultation.status != Consultation.Status.ANSWERED:
        raise ApplicationError(
            _("Publish the synthesis before recording the decision."), code="conflict"
        )
    if consultation.decision_issued_on is not None:
        raise ApplicationError(_("The decision is already recorded."), code="conflict")
    reference, explanation = normalize_spaces(reference), (explanation or "").strip()
    departs = departs_from_majority or majority_not_accepted(consultation)
    errors: dict[str, list[str]] = {}
    if not reference:
        errors["reference"] = [_("Name the decision, e.g. Quyết định số 12/QĐ-UBND.")]
    elif message := _text_error(reference, TITLE_MAX):
        errors["reference"] = [message]
    published_on = consultation.published_on or date(2000, 1, 1)
    if not isinstance(issued_on, date) or not published_on <= issued_on <= timezone.localdate():
        errors["issued_on"] = [_("Enter the issue date: after publication, not in the future.")]
    if departs and not explanation:
        errors["explanation"] = [
            _("The decision departs from the majority opinion: explain why (Art. 28(4)).")
        ]
    elif message := _text_error(explanation, ANSWER_MAX):
        errors["explanation"] = [message]
    if consultation.category == Category.INDIVIDUAL_DECISIONS:
        untold = AffectedCitizen.objects.filter(consultation=consultation, notified_at__isnull=True)
        if not AffectedCitizen.objects.filter(consultation=consultation).exists():
            errors["affected"] = [_("Name the citizens this decision concerns (Art. 27).")]
        elif untold.exists():
            errors["affected"] = [_("Tell every citizen concerned before the decision (Art. 27).")]
    if errors:
        raise _fail(errors)
    consultation.decision_reference = reference
    consultation.decision_issued_on = issued_on
    consultation.departs_from_majority = departs
    consultation.departure_explanation = explanation if departs else ""
    consultation.save()
    audit.record(
        actor=actor, action="consultation.decision.record", obj=consultation,
        commune_id=consultation.commune_id,
        after={"reference": reference, "issued_on": issued_on, "departs": departs,
               "explanation": consultation.departure_explanation},
    )  # fmt: skip
    return consultation


@transaction.atomic
def affected_citizen_add(
    *, actor: Any, consultation: Consultation, name: str, user: Any = None
) -> AffectedCitizen:
    """Name a citizen a draft decision burdens and tell them (Law 10/2022 Art. 27).

    With an account, the notice goes through the notifications outbox at once; otherwise the
    official records the day they were told on paper (``affected_citizen_record_views``).
    """
    require(actor, Action.CONSULTATION_MANAGE, consultation)
    name = normalize_spaces(name)
    errors: dict[str, list[str]] = {}
    if consultation.category != Category.INDIVIDUAL_DECISIONS:
        errors["consultation"] = [
            _("Only a draft decision on named citizens has them (Art. 25(8)).")
        ]
    if not name:
        errors["name"] = [_("Enter the citizen's name.")]
    elif message := _text_error(name, 200):
        errors["name"] = [message]
    if errors:
        raise _fail(errors)
    citizen = AffectedCitizen.objects.create(
        commune_id=consultation.commune_id, consultation=consultation, name=name,
        user=user if user is not None and getattr(user, "pk", None) else None,
    )  # fmt: skip
    if citizen.user is not None:
        from danchu.notifications.services import notify

        notify(
            event_key=f"consultation:{consultation.pk}:affected:{citizen.pk}",
            recipients=[citizen.user],
            template="generic",
            context={
                "title": _("A draft decision concerns you"),
                "body": _(
                    "The commune is preparing “%(title)s”, which concerns you. You may present "
                    "your views, yourself or through a representative, before it is decided."
                )
                % {"title": consultation.title},
            },
            commune=consultation.commune,
        )
        citizen.notified_at = timezone.now()
        citizen.save(update_fields=["notified_at"])
    audit.record(
        actor=actor, action="consultation.affected.add", obj=citizen,
        commune_id=consultation.commune_id,
        after={"name": name, "notified": citizen.notified_at is not None},
    )  # fmt: skip
    return citizen


@transaction.atomic
def affected_citizen_record_views(
    *,
    actor: Any,
    citizen: AffectedCitizen,
    views: str = "",
    representative: str = "",
    answer: str = "",
    notified_on_paper: bool = False,
) -> AffectedCitizen:
    """Keep the citizen's views and the commune's answer in the decision's file (Art. 27)."""
    require(actor, Action.CONSULTATION_MANAGE, citizen.consultation)
    views, answer = (views or "").strip(), (answer or "").strip()
    representative = normalize_spaces(representative)
    errors: dict[str, list[str]] = {}
    for name, value, limit in (("views", views, ANSWER_MAX), ("answer", answer, ANSWER_MAX),
                               ("representative", representative, 200)):  # fmt: skip
        if message := _text_error(value, limit):
            errors[name] = [message]
    if views and not answer:
        errors["answer"] = [_("Record the commune's explanation or acceptance of these views.")]
    if errors:
        raise _fail(errors)
    citizen = AffectedCitizen.objects.select_for_update().get(pk=citizen.pk)
    before = {"views": citizen.views, "answer": citizen.answer}
    citizen.views, citizen.answer, citizen.representative = views, answer, representative
    if notified_on_paper and citizen.notified_at is None:
        citizen.notified_at = timezone.now()
    citizen.save()
    audit.record(
        actor=actor, action="consultation.affected.views", obj=citizen,
        commune_id=citizen.commune_id, before=before,
        after={"views": views, "answer": answer, "representative": representative},
    )  # fmt: skip
    return citizen


@transaction.atomic
def consultation_link_matter(
    *, actor: Any, consultation: Consultation, matter: Any
) -> Consultation:
    """A convention draft's consultation feeds the community vote on it (Decree 61 Art. 9–10)."""
    from danchu.decisions.rules import MatterType

    require(actor, Action.CONSULTATION_MANAGE, consultation)
    if not consultation.is_convention:
        raise _fail({"matter": [_("Only a convention draft leads to a community vote.")]})
    if matter.commune_id != consultation.commune_id or matter.matter_type != MatterType.CONVENTION:
        raise _fail({"matter": [_("Choose this commune's vote on a community convention.")]})
    consultation = _locked(consultation)
    consultation.matter = matter
    consultation.save(update_fields=["matter"])
    audit.record(
        actor=actor, action="consultation.matter.link", obj=consultation,
        commune_id=consultation.commune_id, after={"matter_id": matter.pk},
    )  # fmt: skip
    return consultation
