"""Consultations on drafts (Law 10/2022 Art. 25–29; Decree 61/2023 Art. 9)."""

from __future__ import annotations

# ---------------------------------------------------------------------------------------------
# Consultations, draft sections, opinions, synthesis and explanation.
# ---------------------------------------------------------------------------------------------


# (end of consultations)


# ---------------------------------------------------------------------------------------------
# The opinion map: statements, agree/disagree/pass votes, computed maps.
# ---------------------------------------------------------------------------------------------
