"""Generated votes with planted groups, for the map's tests, its benchmark and the demo.

The recipe of ``shared/design/opinion-map.md`` §3.1: groups of 50 / 30 / 20 %; per statement a
mean μ ~ N(0, 1) and per group and statement a shift δ ~ N(0, sd²), with δ = 0 on 20 % of the
statements (the consensus ones); a vote is a pass with probability 0.15, otherwise agree with
probability sigmoid(μ + δ); 5 % drive-by participants cast about 3 votes, the others see a
fraction U(0.1, 0.5) of the statements. Votes come out shuffled.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["PlantedVotes", "planted_votes"]

CHUNK_ROWS = 4096


@dataclass(frozen=True)
class PlantedVotes:
    participant: npt.NDArray[np.int32]
    statement: npt.NDArray[np.int32]
    vote: npt.NDArray[np.int8]  # +1 agree, 0 pass, −1 disagree
    group: npt.NDArray[np.int64]  # planted group per participant
    n_participants: int
    n_statements: int


def planted_votes(
    n_participants: int,
    n_statements: int,
    *,
    seed: int,
    shares: tuple[float, ...] = (0.5, 0.3, 0.2),
    shift_sd: float = 1.5,
    seen: tuple[float, float] = (0.1, 0.5),
    drive_by: float = 0.05,
    pass_rate: float = 0.15,
) -> PlantedVotes:
    rng = np.random.default_rng(seed)
    n, m = n_participants, n_statements
    group = rng.choice(len(shares), size=n, p=np.asarray(shares) / sum(shares))
    mean = rng.normal(0.0, 1.0, size=m)
    shift = rng.normal(0.0, shift_sd, size=(len(shares), m))
    shift[:, rng.random(m) < 0.2] = 0.0
    fraction = rng.uniform(seen[0], seen[1], size=n)
    casual = rng.random(n) < drive_by
    fraction[casual] = min(1.0, 3.0 / max(m, 1))
    parts: list[tuple[npt.NDArray[np.int64], ...]] = []
    for start in range(0, n, CHUNK_ROWS):
        rows = slice(start, min(n, start + CHUNK_ROWS))
        seen_mask = rng.random((rows.stop - rows.start, m)) < fraction[rows, None]
        r, c = np.nonzero(seen_mask)
        r = r + start
        agree_p = 1.0 / (1.0 + np.exp(-(mean[c] + shift[group[r], c])))
        draw = rng.random(r.size)
        vote = np.where(draw < pass_rate, 0, np.where(rng.random(r.size) < agree_p, 1, -1))
        parts.append((r, c, vote))
    participant = np.concatenate([p[0] for p in parts]).astype(np.int32)
    statement = np.concatenate([p[1] for p in parts]).astype(np.int32)
    vote = np.concatenate([p[2] for p in parts]).astype(np.int8)
    order = rng.permutation(participant.size)
    return PlantedVotes(
        participant=participant[order],
        statement=statement[order],
        vote=vote[order],
        group=group.astype(np.int64),
        n_participants=n,
        n_statements=m,
    )
