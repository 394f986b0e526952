"""Uploaded files (PDF, DOCX, XLSX, images): the disclosure register's attachments and proofs,
the evidence of key tasks.

A file is accepted when its extension is allowed *and* its first bytes say the same thing
(a renamed ``.exe`` is refused), and it is no larger than the caller's limit. It is stored
under ``MEDIA_ROOT/<folder>`` (outside the web root) under a random name; the name shown to
people is cleaned.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from danchu.core.errors import ValidationFailed

__all__ = [
    "KINDS",
    "StoredUpload",
    "check_and_store",
    "discard",
    "safe_name",
    "stored_path",
    "uploads_dir",
]

# extension → (content type, the test of its first bytes)
KINDS: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}
_UNSAFE = re.compile(r"[^\w.\- ()]+", re.UNICODE)


@dataclass(frozen=True)
class StoredUpload:
    name: str
    content_type: str
    size: int
    sha256: str
    path: str  # relative to :func:`uploads_dir`


def uploads_dir(folder: str) -> Path:
    return Path(settings.MEDIA_ROOT) / folder


def stored_path(folder: str, relative: str) -> Path:
    """The absolute path of a stored file; refuses anything outside the uploads directory."""
    base = uploads_dir(folder).resolve()
    path = (base / relative).resolve()
    if base not in path.parents:
        raise ValueError("stored file outside the uploads directory")
    return path


def safe_name(name: str, default: str = "tep") -> str:
    """A display name without directories or odd characters, at most 150 characters."""
    base = Path(unicodedata.normalize("NFC", name or "")).name.replace("\\", "_")
    base = _UNSAFE.sub("_", base).strip(" ._") or default
    stem, dot, ext = base.rpartition(".")
    if not dot:
        return base[:150]
    return f"{stem[: 150 - len(ext) - 1]}.{ext.lower()}"


def _fail(field: str, message: str, code: str = "invalid_file") -> ValidationFailed:
    return ValidationFailed(message, code=code, fields={field: [message]})


def _matches(kind: str, head: bytes, path: Path) -> bool:
    if kind == "pdf":
        return head.startswith(b"%PDF-")
    if kind == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if kind in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    # DOCX and XLSX are ZIP files whose parts name the application.
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    marker = "word/document.xml" if kind == "docx" else "xl/workbook.xml"
    return "[Content_Types].xml" in names and marker in names


def _chunks(uploaded: Any) -> Any:
    if hasattr(uploaded, "chunks"):
        yield from uploaded.chunks()
        return
    yield from iter(lambda: uploaded.read(1 << 20), b"")


def check_and_store(
    uploaded: Any, *, folder: str, max_bytes: int, field: str = "file", default_name: str = "tep"
) -> StoredUpload:
    """Check an uploaded file and store it in ``folder``; raise ValidationFailed with a field
    error. The caller deletes the stored file (:func:`discard`) if its transaction fails
    afterwards.
    """
    name = safe_name(str(getattr(uploaded, "name", "") or ""), default_name)
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    if ext not in KINDS:
        raise _fail(field, _("Only PDF, DOCX, XLSX, PNG and JPEG files are accepted."))
    limit = max_bytes
    size = getattr(uploaded, "size", None)
    if size is not None and size > limit:
        raise _fail(field, _too_big(limit), "too_large")
    directory = uploads_dir(folder)
    directory.mkdir(parents=True, exist_ok=True)
    relative = f"{uuid.uuid4().hex}.{ext}"
    path = directory / relative
    digest, written = hashlib.sha256(), 0
    try:
        with open(path, "wb") as out:
            for chunk in _chunks(uploaded):
                written += len(chunk)
                if written > limit:
                    raise _fail(field, _too_big(limit), "too_large")
                digest.update(chunk)
                out.write(chunk)
        if written == 0:
            raise _fail(field, _("The file is empty."))
        with open(path, "rb") as stored:
            head = stored.read(16)
        if not _matches(ext, head, path):
            raise _fail(
                field, _("The file's content does not match its type (.%(ext)s).") % {"ext": ext}
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return StoredUpload(name, KINDS[ext], written, digest.hexdigest(), relative)


def discard(folder: str, upload: StoredUpload) -> None:
    stored_path(folder, upload.path).unlink(missing_ok=True)


def _too_big(limit: int) -> str:
    return _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}
