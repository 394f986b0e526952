"""Settings for ``bench/online_votes.py``: the project's settings, plus the bare floor URL.

Same middleware, database options and DEBUG (off) as production; the root URLconf adds
``/bench/ok/`` (``bench_vote_urls``). One deliberate difference, printed by the bench and
switched off with ``--conn-max-age 0``: persistent database connections for SQLite too
(``CONN_MAX_AGE``, with health checks), as the production settings already give PostgreSQL.
Without them every request to a sync worker opens the SQLite file again and runs its PRAGMAs
and Django's function registrations: about 2.5 ms of CPU a request, more than a whole vote.
The floor (``/bench/ok/``) touches no database, so this changes only the measured item.
"""

import os

from danchu.config.settings import *  # noqa: F403
from danchu.config.settings import DATABASES

ROOT_URLCONF = "bench_vote_urls"

_conn_max_age = os.environ.get("DANCHU_BENCH_CONN_MAX_AGE")
if _conn_max_age is not None:
    DATABASES["default"]["CONN_MAX_AGE"] = int(_conn_max_age)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
