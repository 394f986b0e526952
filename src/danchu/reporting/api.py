"""``/api/v1/`` for indicators, review reports, key tasks and awards."""

from ninja import Router

from danchu.reporting.steering_api import router as steering_router

router = Router(tags=["reporting"])
# Steering plans, key tasks, emulation rounds and awards: kept in their own module.
router.add_router("", steering_router)
