"""Citizens' requests and what the commune owes them (Law 10/2022 Art. 32–35)."""

from __future__ import annotations

# ---------------------------------------------------------------------------------------------
# Requests: feedback, complaints, denunciations, information requests, disputes; deadlines.
# ---------------------------------------------------------------------------------------------


# (end of requests)


# ---------------------------------------------------------------------------------------------
# Reception days (tiếp công dân), dialogues (đối thoại) and mediation (hòa giải ở cơ sở).
# ---------------------------------------------------------------------------------------------
