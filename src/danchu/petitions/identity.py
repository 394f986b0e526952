"""Who may see who filed a request, and the one door through which anyone does.

Luật Tố cáo 2018 Art. 8(3) (no disclosure of a denouncer's name, address, handwriting or other
identifying data), Art. 9(1)(b), 47 and 56 (keep the identity apart when the case file goes to
verifiers) and Law 10/2022 Art. 9(2): a denouncer is seen only by **the assigned handler** and
**the head of the body** (the commune chair). For other kinds, the commune's officials who
handle requests see the contact details they need to answer.

Every look is written to the audit trail (without the identity itself). Nothing else in the
app reads :class:`~danchu.petitions.models.RequesterIdentity`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from danchu.accounts.permissions import Action, can, require
from danchu.core import audit
from danchu.core.crypto import blind_index
from danchu.core.errors import NotFound, PermissionDenied
from danchu.core.text import fold_vi
from danchu.petitions.models import (
    CitizenRequest,
    RequestAttachment,
    RequesterIdentity,
    RequestKind,
)

__all__ = [
    "IdentityView",
    "is_identity_material",
    "may_open",
    "may_see_identity",
    "open_attachment",
    "person_key",
    "redact",
    "reveal",
]

REDACTED = "[…]"
_NOT_DIGIT = re.compile(r"\D")
_SEPARATORS = r"[\s\-_.]+"


@dataclass(frozen=True)
class IdentityView:
    full_name: str
    phone: str
    email: str
    address: str
    original_content: str
    has_account: bool


def may_see_identity(actor: Any, request: CitizenRequest) -> bool:
    """The handler and the chair for a denunciation; handling officials for other kinds."""
    if not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", False):
        return False
    is_handler = request.handler_id is not None and request.handler_id == actor.pk
    if request.identity_protected or request.kind == RequestKind.DENUNCIATION:
        # The handler only while they hold a handling role here (a past handler loses access).
        if is_handler and can(actor, Action.PETITION_REQUEST_HANDLE, request):
            return True
        return can(actor, Action.PETITION_REQUEST_VIEW_DENOUNCER, request)
    return can(actor, Action.PETITION_REQUEST_VIEW_CONTACT, request)


def reveal(actor: Any, request: CitizenRequest) -> IdentityView:
    """The requester's identity for an allowed reader; the access is logged (Art. 56)."""
    require(actor, Action.PETITION_REQUEST_VIEW, request)
    if not may_see_identity(actor, request):
        raise PermissionDenied(
            _("Only the handler and the commune chair may see who filed this request."),
            code="identity_protected",
        )
    row = RequesterIdentity.objects.filter(request=request).first()
    if row is None:
        raise NotFound(_("Not found."), code="not_found")
    audit.record(
        actor=actor, action="petition_request.identity.view", obj=request,
        commune_id=request.commune_id, after={"kind": request.kind},
    )  # fmt: skip
    return IdentityView(
        full_name=row.full_name or "", phone=row.phone or "", email=row.email or "",
        address=row.address or "", original_content=row.original_content or "",
        has_account=row.account_id is not None,
    )  # fmt: skip


def is_identity_material(attachment: RequestAttachment) -> bool:
    """A denouncer's own file may show their handwriting or name (Art. 56(1)(b))."""
    request = attachment.request
    protected = request.identity_protected or request.kind == RequestKind.DENUNCIATION
    return attachment.from_requester and protected


def may_open(actor: Any, attachment: RequestAttachment) -> bool:
    if not can(actor, Action.PETITION_REQUEST_VIEW, attachment.request):
        return False
    return not is_identity_material(attachment) or may_see_identity(actor, attachment.request)


def open_attachment(actor: Any, attachment: RequestAttachment) -> RequestAttachment:
    """Check that ``actor`` may open the file; log it when it is identity material."""
    require(actor, Action.PETITION_REQUEST_VIEW, attachment.request)
    if not may_open(actor, attachment):
        raise PermissionDenied(
            _("Only the handler and the commune chair may see who filed this request."),
            code="identity_protected",
        )
    if is_identity_material(attachment):
        audit.record(
            actor=actor, action="petition_request.identity.file", obj=attachment.request,
            commune_id=attachment.commune_id, after={"attachment": attachment.pk},
        )  # fmt: skip
    return attachment


def person_key(full_name: str, phone: str) -> str:
    """A keyed hash of who someone is (folded name + digits of the phone), for duplicates."""
    digits = _NOT_DIGIT.sub("", phone or "")
    name = fold_vi(full_name)
    if not name and not digits:
        return ""
    return blind_index(f"{name}|{digits}")


def _fold_char(ch: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    base = base.replace("đ", "d").replace("Đ", "D").lower()
    return base if len(base) == 1 else ch.lower()


def _fold_same_length(text: str) -> str:
    """Fold like :func:`fold_vi` but one character for one, so positions map back."""
    return "".join(_fold_char(ch) for ch in text)


def redact(text: str, *secrets: str) -> str:
    """``text`` with every occurrence of the requester's details replaced by "[…]".

    Matching ignores case and diacritics ("Nguyen Van A" matches "Nguyễn Văn A") and the
    separators between words; a phone number also matches written with spaces or dots.
    Art. 56(1)(b): strip personal data from the complaint before others read it.
    """
    text = unicodedata.normalize("NFC", text or "")
    for secret in secrets:
        secret = unicodedata.normalize("NFC", (secret or "").strip())
        if len(secret) < 3:
            continue
        digits = _NOT_DIGIT.sub("", secret)
        if len(digits) >= 6 and len(digits) >= len(secret) - 3:
            pattern = r"[\s.\-]?".join(re.escape(d) for d in digits)
            text = re.sub(pattern, REDACTED, text)
            continue
        # Words may be joined by spaces, hyphens, dots or underscores ("Nguyen-Van-A.pdf").
        words = _fold_same_length(secret).split()
        pattern = _SEPARATORS.join(re.escape(word) for word in words)
        folded = _fold_same_length(text)
        spans = [m.span() for m in re.finditer(pattern, folded)]
        for start, end in reversed(spans):
            text = text[:start] + REDACTED + text[end:]
    return text
