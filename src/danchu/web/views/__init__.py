"""Views of the web shell; the error handlers are wired in the root URLconf."""

from danchu.web.views.backoffice import (
    audit,
    dashboard,
    household_detail,
    households,
    import_status,
    import_upload,
    village_edit,
    villages,
)
from danchu.web.views.errors import handler403, handler404, handler500
from danchu.web.views.public import commune_home, home, my_household

__all__ = [
    "audit",
    "commune_home",
    "dashboard",
    "handler403",
    "handler404",
    "handler500",
    "home",
    "household_detail",
    "households",
    "import_status",
    "import_upload",
    "my_household",
    "village_edit",
    "villages",
]
