"""The versioned REST API (``/api/v1/``): one NinjaAPI, each app's router mounted here.

The OpenAPI schema is served at ``/api/v1/openapi.json``. The docs page uses ninja's bundled
Swagger assets when ``ninja`` is an installed app (the CSP forbids a CDN).
"""

from __future__ import annotations

from ninja import NinjaAPI

from danchu.api.auth import AUTH
from danchu.api.errors import install_error_handlers
from danchu.consultation.api import router as consultation_router
from danchu.contributions.api import router as contributions_router
from danchu.decisions.api import router as decisions_router
from danchu.decisions.election_api import router as elections_router
from danchu.decisions.office_api import router as office_router
from danchu.decisions.secret_paper_api import router as secret_paper_router
from danchu.disclosure.api import router as disclosure_router
from danchu.oversight.api import router as oversight_router
from danchu.petitions.api import router as petitions_router
from danchu.reporting.api import router as reporting_router
from danchu.territory.api import router as territory_router

__all__ = ["api"]

api = NinjaAPI(
    title="danchu API",
    version="1",
    description=(
        "Grassroots democracy for Vietnamese communes: units, villages, households, "
        "public disclosures, requests for information and community decisions."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=AUTH,
)
install_error_handlers(api)
api.add_router("/", territory_router)
api.add_router("/", disclosure_router)
api.add_router("/", decisions_router)
api.add_router("/", elections_router)
api.add_router("/", secret_paper_router)
api.add_router("/", office_router)
api.add_router("/", petitions_router)
api.add_router("/", contributions_router)
api.add_router("/", oversight_router)
api.add_router("/", consultation_router)
api.add_router("/", reporting_router)
