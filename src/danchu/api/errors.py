"""Every failure of an API call answered with the shared error body, in the user's language.

ninja's own errors (validation, authentication, CSRF, throttling, unparsable bodies) and the
services' ``ApplicationError`` all become ``{"code", "message", "fields"}``. Unexpected
exceptions are left to Django (a 500 is a bug to fix, not an answer to hide).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import (
    AuthenticationError,
    AuthorizationError,
    HttpError,
    Throttled,
    ValidationError,
)

from danchu.core.errors import ApplicationError

__all__ = ["CONFLICT_CODES", "install_error_handlers", "validation_fields"]

# Refusals caused by the current state (a name already taken, a merged village) rather than by
# the request's shape: HTTP calls them conflicts, so a client can tell "fix your input" (422)
# from "someone else got there first" (409).
CONFLICT_CODES = frozenset({"duplicate", "inactive", "conflict", "already_exists"})


def _body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"code": code, "message": str(message), "fields": fields or {}}


def _message_for(error: dict[str, Any]) -> str:
    """A translated message for one pydantic error (its English text as the last resort)."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in {"string_too_long", "too_long"}:
        return _("At most %(limit)s characters.") % {"limit": ctx.get("max_length", "?")}
    if kind in {"string_too_short", "too_short"}:
        return _("At least %(limit)s characters.") % {"limit": ctx.get("min_length", "?")}
    if kind in {"greater_than_equal", "greater_than"}:
        return _("Must be at least %(limit)s.") % {"limit": ctx.get("ge", ctx.get("gt", "?"))}
    if kind in {"less_than_equal", "less_than"}:
        return _("Must be at most %(limit)s.") % {"limit": ctx.get("le", ctx.get("lt", "?"))}
    if kind.startswith("int_") or kind.startswith("float_"):
        return _("Enter a whole number.")
    if kind in {"enum", "literal_error"}:
        return _("Select a valid choice.")
    if kind.startswith("bool"):
        return _("Enter true or false.")
    if kind.startswith("date"):
        return _("Enter a valid date.")
    if kind in {"json_invalid", "model_type", "model_attributes_type", "dict_type"}:
        return _("The request body is not valid JSON of the expected shape.")
    if kind == "string_pattern_mismatch":
        return _("Enter a valid value.")
    return _("Enter a valid value.")


def _field_name(loc: Any) -> str:
    # ("query", "limit") → "limit"; ("body", "payload", "name") → "name"; ("body",) → "body"
    parts = [str(p) for p in (loc or ()) if not isinstance(p, int)]
    if len(parts) > 1 and parts[0] in {"query", "path", "body", "form", "header", "cookie"}:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] == "payload":
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def validation_fields(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        fields.setdefault(_field_name(error.get("loc")), []).append(_message_for(error))
    return fields


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        response = api.create_response(request, body, status=status)
        if status == 401:
            response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(ApplicationError)
    def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        status = 409 if exc.code in CONFLICT_CODES and exc.status == 422 else exc.status
        return respond(request, status, _body(exc.code, exc.message, exc.fields))

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        body = _body(
            "invalid", _("Please correct the errors below."), validation_fields(exc.errors)
        )
        return respond(request, 422, body)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, _body("not_found", _("Not found.")))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return respond(request, exc.status_code, _http_error_body(exc))


def _http_error_body(exc: HttpError) -> dict[str, Any]:
    if isinstance(exc, AuthenticationError):
        return _body("unauthorized", _("Sign in or send a valid API token."))
    if isinstance(exc, Throttled):
        return _body("throttled", _("Too many requests. Please wait and try again."))
    if isinstance(exc, AuthorizationError) or exc.status_code == 403:
        # ninja's session authentication refuses an unsafe request without a CSRF token.
        return _body("forbidden", _("You are not allowed to do this."))
    if exc.status_code == 400:
        return _body("bad_request", _("The request could not be read."))
    return _body("error", str(exc))
