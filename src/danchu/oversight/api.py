"""``/api/v1/`` for this app."""

from ninja import Router

router = Router()
