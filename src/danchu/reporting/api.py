"""``/api/v1/`` for indicators, review reports, key tasks and awards."""

from ninja import Router

router = Router(tags=["reporting"])
