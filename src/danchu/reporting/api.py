"""``/api/v1/`` for indicators, review reports, key tasks and awards."""

from ninja import Router

from danchu.reporting.review_api import router as review_router

router = Router(tags=["reporting"])
router.add_router("/", review_router)
