"""The opinion map of a consultation: Polis's algorithm on sparse arrays, kept between recomputes.

Pure: numpy, scipy and scikit-learn only, no Django. Written from the formulas in
``shared/design/opinion-map.md`` (§1), not from Polis's or red-dwarf's code.

Convention: **agree = +1, disagree = −1, pass = 0** everywhere in this module (Polis stores
agree as −1; the flip only mirrors the map). Participants and statements are integer indexes
that the caller keeps stable across recomputes (a participant's index never changes), so the
state of the previous recompute (components, base clusters, k smoother, group ids) applies.

The pipeline (:func:`compute_map`):

1. the latest vote per (participant, statement) wins; moderated-out statements are zeroed;
2. the centred vote table is exactly as sparse as the votes (imputed cells centre to 0), so PCA
   is a sparse SVD, warm-started and sign-aligned with the previous components;
3. sparsity-aware projection ``√(m/nᵢ)·Σ(v−μ)·pc``;
4. 100 base clusters on the in-conversation participants (warm-started k-means), groups by
   weighted k-means of the base centres for k = 2..min(5, 2+⌊n_base/12⌋), silhouette on the base
   centres with the singleton penalty, k smoothed over 4 recomputes, group ids matched to the
   previous ones;
5. representative statements, classic and group-aware consensus, statement priority.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.optimize import linear_sum_assignment
from scipy.sparse.linalg import svds
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning

__all__ = [
    "AGREE",
    "DISAGREE",
    "PASS",
    "MapResult",
    "MapState",
    "RepStatement",
    "VoteTable",
    "compute_map",
]

AGREE, PASS, DISAGREE = 1, 0, -1
Z_90 = 1.2816  # one-sided 90 % significance (Polis stats.clj)
MAX_PARTICIPANTS = 100_000  # Polis max-ptpts: later participants are not mapped
MAX_STATEMENTS = 10_000  # Polis max-cmts
BASE_K = 100
BASE_MAX_ITER = 100
GROUP_MAX_ITER = 20
MAX_GROUPS = 5
K_BUFFER = 4  # Polis group-k-buffer: recomputes in a row before the shown k changes
MIN_VOTES = 7
MIN_CLUSTERED = 15
MOVE_TOLERANCE = 0.01
REP_LIMIT = 5
CONSENSUS_LIMIT = 5
DENSE_SVD_CELLS = 2_000_000

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class VoteTable:
    """Latest votes as a CSR matrix of int8 (+1, 0, −1) with a mask of who voted where."""

    values: sparse.csr_array  # int8 votes on the stored cells; a stored 0 is a pass
    n_participants: int
    n_statements: int

    @classmethod
    def from_events(
        cls,
        participant: npt.ArrayLike,
        statement: npt.ArrayLike,
        vote: npt.ArrayLike,
        *,
        n_participants: int | None = None,
        n_statements: int | None = None,
    ) -> VoteTable:
        """Votes in the order they were cast; a changed vote counts once, the latest wins."""
        p = np.asarray(participant, dtype=np.int64)
        s = np.asarray(statement, dtype=np.int64)
        v = np.asarray(vote, dtype=np.int8)
        keep = (p < MAX_PARTICIPANTS) & (s < MAX_STATEMENTS)
        if not keep.all():
            p, s, v = p[keep], s[keep], v[keep]
        n = int(n_participants if n_participants is not None else (p.max() + 1 if p.size else 0))
        m = int(n_statements if n_statements is not None else (s.max() + 1 if s.size else 0))
        n, m = min(n, MAX_PARTICIPANTS), min(m, MAX_STATEMENTS)
        # Stored code 1, 2, 3 for disagree, pass, agree so that a pass is not an absent cell.
        coded = (v + 2).astype(np.int8)
        table = sparse.coo_array((coded, (p, s)), shape=(n, m)).tocsr()
        if table.nnz != p.size:
            # Duplicates were summed by the conversion: redo keeping the latest vote per cell.
            key = p * max(m, 1) + s
            order = np.argsort(key, kind="stable")
            last = np.ones(order.size, dtype=bool)
            last[:-1] = key[order][1:] != key[order][:-1]
            chosen = order[last]
            table = sparse.coo_array((coded[chosen], (p[chosen], s[chosen])), shape=(n, m)).tocsr()
        table.data -= 2
        return cls(values=table, n_participants=n, n_statements=m)


@dataclass
class MapState:
    """What a recompute keeps for the next one, so the map does not jump as votes arrive."""

    components: FloatArray | None = None  # 2 × m
    in_conversation: npt.NDArray[np.bool_] | None = None  # sticky membership, per participant
    base_labels: IntArray | None = None  # base cluster per participant, −1 if none
    base_centres: FloatArray | None = None
    group_centres: dict[int, FloatArray] = field(default_factory=dict)  # warm start per k
    shown_k: int = 0
    candidate_k: int = 0
    candidate_count: int = 0
    shown_group_ids: IntArray | None = None
    shown_group_centres: FloatArray | None = None
    recomputes: int = 0

    def to_bytes(self) -> bytes:
        arrays: dict[str, npt.NDArray[np.generic]] = {
            "scalars": np.array(
                [self.shown_k, self.candidate_k, self.candidate_count, self.recomputes]
            )
        }
        for name in (
            "components",
            "in_conversation",
            "base_labels",
            "base_centres",
            "shown_group_ids",
            "shown_group_centres",
        ):
            value = getattr(self, name)
            if value is not None:
                arrays[name] = value
        for k, centres in self.group_centres.items():
            arrays[f"group_centres_{k}"] = centres
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> MapState:
        if not data:
            return cls()
        with np.load(io.BytesIO(data), allow_pickle=False) as stored:
            state = cls()
            shown, candidate, count, recomputes = (int(x) for x in stored["scalars"])
            state.shown_k, state.candidate_k, state.candidate_count = shown, candidate, count
            state.recomputes = recomputes
            for name in stored.files:
                if name.startswith("group_centres_"):
                    state.group_centres[int(name.rsplit("_", 1)[1])] = stored[name]
                elif name != "scalars":
                    setattr(state, name, stored[name])
            return state


@dataclass(frozen=True)
class RepStatement:
    """A statement that characterises a group: which way the group leans and how strongly."""

    statement: int
    direction: int  # AGREE or DISAGREE
    probability: float  # the group's smoothed probability in that direction
    representativeness: float  # that probability over the rest's
    score: float


@dataclass(frozen=True)
class Group:
    id: int
    size: int
    centre: tuple[float, float]
    representative: list[RepStatement]


@dataclass(frozen=True)
class MapResult:
    positions: FloatArray  # n × 2, every participant
    labels: IntArray  # group id per participant; −1 for those not clustered
    groups: list[Group]
    consensus_agree: list[int]
    consensus_disagree: list[int]
    group_consensus: FloatArray  # Π_g pₐ,g per statement (Polis parity)
    group_consensus_mean: FloatArray  # its geometric mean, comparable across group counts
    priority: FloatArray
    statement_positions: FloatArray  # m × 2
    agree_counts: IntArray  # per group × statement (rows in ``groups`` order)
    disagree_counts: IntArray
    vote_counts: IntArray
    best_k: int
    state: MapState


# --- PCA ------------------------------------------------------------------------------------


def _centred(
    table: VoteTable, active: npt.NDArray[np.bool_]
) -> tuple[sparse.csr_array, FloatArray]:
    """The vote table minus column means, on stored cells only (imputed cells centre to 0)."""
    values = table.values
    counts = np.bincount(values.indices, minlength=table.n_statements)
    sums = np.bincount(values.indices, weights=values.data, minlength=table.n_statements)
    means = np.divide(sums, counts, out=np.zeros(table.n_statements), where=counts > 0)
    means[~active] = 0.0
    data = values.data.astype(np.float64) - means[values.indices]
    data[~active[values.indices]] = 0.0  # moderated out: everyone "passes"
    centred = sparse.csr_array((data, values.indices, values.indptr), shape=values.shape)
    return centred, means


def _components(centred: sparse.csr_array, previous: FloatArray | None) -> FloatArray:
    """The two leading right singular vectors, signs aligned with the previous recompute."""
    n, m = centred.shape
    result = np.zeros((2, m))
    if n == 0 or m == 0:
        return result
    rank = min(2, n, m)
    if n * m <= DENSE_SVD_CELLS or min(n, m) <= 3:
        _, _, vt = np.linalg.svd(centred.toarray(), full_matrices=False)
        result[:rank] = vt[:rank]
    else:
        start = np.ones(min(n, m)) / math.sqrt(min(n, m))
        if previous is not None and m <= n:
            start = previous[0] + previous[1] + 1e-3 * start
        _, singular, vt = svds(centred, k=2, v0=start, solver="arpack")
        order = np.argsort(singular)[::-1]
        result[:] = vt[order]
    for row in range(2):
        if previous is not None and np.dot(result[row], previous[row]) < 0:
            result[row] = -result[row]
        elif previous is None and result[row][np.argmax(np.abs(result[row]))] < 0:
            result[row] = -result[row]  # a fixed orientation for the first map
    return result


def _padded(previous: FloatArray | None, m: int) -> FloatArray | None:
    if previous is None:
        return None
    grown = np.zeros((2, m))
    width = min(m, previous.shape[1])
    grown[:, :width] = previous[:, :width]
    return grown if np.any(grown) else None


# --- clustering -----------------------------------------------------------------------------


def _first_distinct(points: FloatArray, k: int) -> FloatArray:
    """The first k distinct points in input order (Polis's cold start, not sorted order)."""
    _, first = np.unique(points, axis=0, return_index=True)
    return points[np.sort(first)[:k]]


def _nearest(points: FloatArray, centres: FloatArray) -> tuple[IntArray, FloatArray]:
    distances = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    labels = distances.argmin(axis=1)
    return labels, np.sqrt(distances[np.arange(points.shape[0]), labels])


def _split_until(points: FloatArray, centres: FloatArray, k: int) -> FloatArray:
    """Add the point farthest from its nearest centre until there are min(k, distinct) centres."""
    distinct = np.unique(points, axis=0).shape[0]
    target = min(k, distinct)
    centres = np.unique(centres, axis=0) if centres.size else np.zeros((0, 2))
    if centres.shape[0] == 0 and target > 0:
        centres = points[:1]
    while centres.shape[0] < target:
        _, distance = _nearest(points, centres)
        centres = np.vstack([centres, points[int(distance.argmax())]])
    return centres[:target]


def _base_clusters(
    points: FloatArray, previous_labels: IntArray | None, previous_count: int
) -> tuple[IntArray, FloatArray]:
    """Polis's 100 base clusters, warm-started from the previous members' new positions."""
    if points.shape[0] == 0:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 2))
    if previous_labels is not None and previous_count and (previous_labels >= 0).any():
        known = previous_labels >= 0
        sums = np.zeros((previous_count, 2))
        np.add.at(sums, previous_labels[known], points[known])
        counts = np.bincount(previous_labels[known], minlength=previous_count)
        centres = sums[counts > 0] / counts[counts > 0, None]
        init = _split_until(points, centres, BASE_K)
    else:
        init = _first_distinct(points, BASE_K)
    if init.shape[0] == 1:
        return np.zeros(points.shape[0], dtype=np.int64), init
    # Stop when every centre moves < 0.01: a total squared shift ≤ 0.01² is at least as strict.
    spread = float(np.mean(np.var(points, axis=0))) or 1.0
    with warnings.catch_warnings():
        # Duplicate points can leave a cluster empty; it is dropped below, as Polis does.
        warnings.simplefilter("ignore", ConvergenceWarning)
        kmeans = KMeans(
            n_clusters=init.shape[0],
            init=init,
            n_init=1,
            max_iter=BASE_MAX_ITER,
            tol=MOVE_TOLERANCE**2 / spread,
            algorithm="lloyd",
        ).fit(points)
    labels = kmeans.labels_.astype(np.int64)
    used = np.unique(labels)  # drop empty clusters, renumber densely in order
    remap = np.full(init.shape[0], -1, dtype=np.int64)
    remap[used] = np.arange(used.size)
    return remap[labels], kmeans.cluster_centers_[used]


def _weighted_kmeans(
    points: FloatArray, weights: FloatArray, init: FloatArray
) -> tuple[IntArray, FloatArray]:
    centres = init.copy()
    labels = np.zeros(points.shape[0], dtype=np.int64)
    for _ in range(GROUP_MAX_ITER):
        labels, _ = _nearest(points, centres)
        mass = np.bincount(labels, weights=weights, minlength=centres.shape[0])
        keep = mass > 0
        moved = np.zeros_like(centres)
        for axis in range(2):
            moved[:, axis] = np.bincount(
                labels, weights=weights * points[:, axis], minlength=centres.shape[0]
            )
        moved = moved[keep] / mass[keep, None]
        converged = keep.all() and bool(
            np.all(np.linalg.norm(moved - centres, axis=1) < MOVE_TOLERANCE)
        )
        centres = moved
        if converged:
            break
    labels, _ = _nearest(points, centres)
    return labels, centres


def _farthest_first(points: FloatArray, weights: FloatArray, k: int) -> FloatArray:
    """Deterministic spread-out start: the heaviest point, then each farthest from those chosen."""
    chosen = [int(weights.argmax())]
    while len(chosen) < min(k, points.shape[0]):
        _, distance = _nearest(points, points[chosen])
        chosen.append(int(distance.argmax()))
    return points[chosen]


def _inertia(points: FloatArray, weights: FloatArray, centres: FloatArray) -> float:
    _, distance = _nearest(points, centres)
    return float((weights * distance**2).sum())


def _group_clusters(
    points: FloatArray, weights: FloatArray, k: int, warm: FloatArray | None
) -> tuple[IntArray, FloatArray]:
    """Weighted k-means of the base centres. A warm start is kept unless a fresh start fits
    clearly better (10 % less weighted inertia): stability first, but not stuck in a bad
    optimum. A cold start tries Polis's first-distinct start and a farthest-first one."""
    fresh = [_first_distinct(points, k), _farthest_first(points, weights, k)]
    tried = [_weighted_kmeans(points, weights, init) for init in fresh]
    best = min(tried, key=lambda fit: _inertia(points, weights, fit[1]))
    if warm is None:
        return best
    kept = _weighted_kmeans(points, weights, _split_until(points, warm, k))
    if _inertia(points, weights, best[1]) < 0.9 * _inertia(points, weights, kept[1]):
        return best
    return kept


def _silhouette(distances: FloatArray, labels: IntArray) -> float:
    """Mean silhouette over base clusters; a member of a one-member cluster scores 0."""
    groups = np.unique(labels)
    if groups.size < 2:
        return -1.0
    scores = np.zeros(labels.size)
    for index in range(labels.size):
        own = labels == labels[index]
        if own.sum() == 1:
            continue
        inside = distances[index, own].sum() / (own.sum() - 1)
        outside = min(distances[index, labels == g].mean() for g in groups if g != labels[index])
        scale = max(inside, outside)
        scores[index] = (outside - inside) / scale if scale > 0 else 0.0
    return float(scores.mean())


# --- statement statistics -------------------------------------------------------------------


def _prop_test(success: FloatArray, total: FloatArray) -> FloatArray:
    return 2 * np.sqrt(total + 1) * ((success + 1) / (total + 1) - 0.5)


def _two_prop_test(
    success: FloatArray, total: FloatArray, other: FloatArray, other_total: FloatArray
) -> FloatArray:
    q1 = (success + 1) / (total + 1)
    q2 = (other + 1) / (other_total + 1)
    pooled = (success + other + 2) / (total + other_total + 2)
    spread = np.sqrt(pooled * (1 - pooled) * (1 / (total + 1) + 1 / (other_total + 1)))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (q1 - q2) / spread
    return np.where(pooled >= 1, 0.0, np.nan_to_num(z))


@dataclass(frozen=True)
class _Stats:
    na: FloatArray
    nd: FloatArray
    pa: FloatArray
    pd: FloatArray
    pat: FloatArray
    pdt: FloatArray
    ra: FloatArray
    rd: FloatArray
    rat: FloatArray
    rdt: FloatArray


def _group_stats(agree: FloatArray, disagree: FloatArray, votes: FloatArray) -> _Stats:
    """§1.5 for every group × statement; 'the rest' is every other clustered participant."""
    other_a, other_d, other_s = (x.sum(axis=0) - x for x in (agree, disagree, votes))
    return _Stats(
        na=agree,
        nd=disagree,
        pa=(agree + 1) / (votes + 2),
        pd=(disagree + 1) / (votes + 2),
        pat=_prop_test(agree, votes),
        pdt=_prop_test(disagree, votes),
        ra=((agree + 1) / (votes + 2)) / ((other_a + 1) / (other_s + 2)),
        rd=((disagree + 1) / (votes + 2)) / ((other_d + 1) / (other_s + 2)),
        rat=_two_prop_test(agree, votes, other_a, other_s),
        rdt=_two_prop_test(disagree, votes, other_d, other_s),
    )


def _representative(stats: _Stats, g: int, active: npt.NDArray[np.bool_]) -> list[RepStatement]:
    """Polis's select-rep-comments for group g (§1.6), moderated-out statements excluded."""
    pa, pd, pat, pdt = stats.pa[g], stats.pd[g], stats.pat[g], stats.pdt[g]
    ra, rd, rat, rdt = stats.ra[g], stats.rd[g], stats.rat[g], stats.rdt[g]
    na, nd = stats.na[g], stats.nd[g]

    def entry(c: int, direction: int) -> RepStatement:
        if direction == AGREE:
            score = ra[c] * rat[c] * pa[c] * pat[c]
            return RepStatement(c, AGREE, float(pa[c]), float(ra[c]), float(score))
        score = rd[c] * rdt[c] * pd[c] * pdt[c]
        return RepStatement(c, DISAGREE, float(pd[c]), float(rd[c]), float(score))

    candidates = active & (((pat > Z_90) & (rat > Z_90)) | ((pdt > Z_90) & (rdt > Z_90)))
    ranked = sorted(
        (entry(int(c), AGREE if rat[c] > rdt[c] else DISAGREE) for c in np.flatnonzero(candidates)),
        key=lambda rep: -rep.score,
    )
    best: int | None = None
    for c in np.flatnonzero(active & ((na + nd) > 0)):
        if best is None:
            if pat[c] > Z_90 or (ra[c] > 1 and pa[c] > 0.5):
                best = int(c)
        elif ra[best] > 1:
            if ra[c] * rat[c] * pa[c] * pat[c] > ra[best] * rat[best] * pa[best] * pat[best]:
                best = int(c)
        elif pa[c] * pat[c] > pa[best] * pat[best]:
            best = int(c)
    if not ranked:
        if best is not None:
            return [entry(best, AGREE)]
        if not active.any():
            return []
        strongest = np.where(active, np.maximum(rat, rdt), -np.inf)
        top = int(strongest.argmax())
        return [entry(top, AGREE if rat[top] > rdt[top] else DISAGREE)]
    head = [entry(best, AGREE)] if best is not None else []
    chosen = (head + [r for r in ranked if r.statement != best])[:REP_LIMIT]
    return sorted(chosen, key=lambda rep: rep.direction != AGREE)  # stable: agrees first


def _consensus(agree: FloatArray, votes: FloatArray, active: npt.NDArray[np.bool_]) -> list[int]:
    """Classic consensus over all participants: p > ½ and z > 1.2816, top 5 by p·z."""
    p = (agree + 1) / (votes + 2)
    z = _prop_test(agree, votes)
    score = np.where(active & (p > 0.5) & (z > Z_90), p * z, -np.inf)
    order = np.argsort(-score, kind="stable")[:CONSENSUS_LIMIT]
    return [int(c) for c in order if np.isfinite(score[c])]


# --- the whole map --------------------------------------------------------------------------


def _in_conversation(
    votes_per_participant: IntArray, m: int, previous: npt.NDArray[np.bool_] | None
) -> npt.NDArray[np.bool_]:
    n = votes_per_participant.size
    chosen = votes_per_participant >= min(MIN_VOTES, m)
    chosen &= votes_per_participant > 0
    if previous is not None:
        width = min(n, previous.size)
        chosen[:width] |= previous[:width]  # sticky: once clustered, always clustered
    missing = MIN_CLUSTERED - int(chosen.sum())
    if missing > 0:
        rest = np.flatnonzero(~chosen & (votes_per_participant > 0))
        most_active = rest[np.argsort(-votes_per_participant[rest], kind="stable")[:missing]]
        chosen[most_active] = True
    return chosen


def _match_ids(
    centres: FloatArray, previous_ids: IntArray | None, previous: FloatArray | None
) -> IntArray:
    """Keep each group's id (and colour): match new centres to the previous ones."""
    ids = np.full(centres.shape[0], -1, dtype=np.int64)
    if previous is not None and previous_ids is not None and previous.shape[0]:
        cost = np.linalg.norm(centres[:, None, :] - previous[None, :, :], axis=2)
        rows, cols = linear_sum_assignment(cost)
        ids[rows] = previous_ids[cols]
    free = (i for i in range(centres.shape[0] + MAX_GROUPS + 1) if i not in set(ids.tolist()))
    for index in np.flatnonzero(ids < 0):
        ids[index] = next(free)
    return ids


def _choose_k(state: MapState, best_k: int, available: set[int]) -> int:
    """Change the shown number of groups only after 4 recomputes in a row prefer another."""
    if state.shown_k == 0 or state.shown_k not in available:
        state.shown_k, state.candidate_k, state.candidate_count = best_k, best_k, 0
        return best_k
    if best_k == state.shown_k:
        state.candidate_k, state.candidate_count = best_k, 0
    elif best_k == state.candidate_k:
        state.candidate_count += 1
    else:
        state.candidate_k, state.candidate_count = best_k, 1
    if state.candidate_count >= K_BUFFER:
        state.shown_k, state.candidate_count = best_k, 0
    return state.shown_k


def compute_map(
    table: VoteTable,
    *,
    moderated_out: npt.ArrayLike | None = None,
    previous: MapState | None = None,
) -> MapResult:
    """Recompute the map from the latest votes, continuing from ``previous`` if given."""
    state = MapState() if previous is None else previous
    n, m = table.n_participants, table.n_statements
    active = np.ones(m, dtype=bool)
    if moderated_out is not None:
        out = np.asarray(moderated_out, dtype=np.int64)
        active[out[out < m]] = False
    m_active = int(active.sum())
    values = table.values

    # PCA on the centred sparse table, then the sparsity-aware projection (§1.3).
    centred, means = _centred(table, active)
    components = _components(centred, _padded(state.components, m))
    rows = np.repeat(np.arange(n), np.diff(values.indptr))  # a stored 0 is a pass: count it
    votes_per_participant = np.bincount(rows[active[values.indices]], minlength=n).astype(np.int64)
    scale = np.sqrt(m_active / np.maximum(votes_per_participant, 1))
    positions = (centred @ components.T) * scale[:, None]
    extremity_vectors = (math.sqrt(m_active) * (1 - means))[:, None] * components.T

    # Who is clustered; base clusters; groups (§1.2, §1.4).
    clustered = _in_conversation(votes_per_participant, m_active, state.in_conversation)
    members = np.flatnonzero(clustered)
    previous_labels = None
    if state.base_labels is not None:
        previous_labels = np.full(n, -1, dtype=np.int64)
        width = min(n, state.base_labels.size)
        previous_labels[:width] = state.base_labels[:width]
        previous_labels = previous_labels[members]
    previous_count = 0 if state.base_centres is None else state.base_centres.shape[0]
    base_of_member, base_centres = _base_clusters(
        positions[members], previous_labels, previous_count
    )
    base_sizes = np.bincount(base_of_member, minlength=base_centres.shape[0]).astype(float)
    n_base = base_centres.shape[0]
    max_k = min(MAX_GROUPS, 2 + n_base // 12) if n_base >= 2 else 1
    distances = np.linalg.norm(base_centres[:, None, :] - base_centres[None, :, :], axis=2)
    clusterings: dict[int, tuple[IntArray, FloatArray]] = {}
    scores: dict[int, float] = {}
    for k in range(2, max_k + 1) if max_k >= 2 else [1]:
        clusterings[k] = _group_clusters(base_centres, base_sizes, k, state.group_centres.get(k))
        scores[k] = _silhouette(distances, clusterings[k][0]) if k > 1 else 0.0
    best_k = max(scores, key=lambda k: (scores[k], -k))
    shown_k = _choose_k(state, best_k, set(clusterings))
    group_of_base, group_centres = clusterings[shown_k]
    ids = _match_ids(group_centres, state.shown_group_ids, state.shown_group_centres)
    order = np.argsort(ids)
    ids, group_centres = ids[order], group_centres[order]
    rank_of = np.empty(order.size, dtype=np.int64)
    rank_of[order] = np.arange(order.size)
    group_rank_of_member = rank_of[group_of_base[base_of_member]]
    labels = np.full(n, -1, dtype=np.int64)
    labels[members] = ids[group_rank_of_member]

    # Counts per group by a one-hot product, never a loop over votes (§2.8).
    k_groups = ids.size
    one_hot = sparse.csr_array(
        (np.ones(members.size), (group_rank_of_member, members)), shape=(k_groups, n)
    )
    agree_ind = sparse.csr_array(
        ((values.data == AGREE).astype(np.float64), values.indices, values.indptr), shape=(n, m)
    )
    disagree_ind = sparse.csr_array(
        ((values.data == DISAGREE).astype(np.float64), values.indices, values.indptr),
        shape=(n, m),
    )
    voted_ind = sparse.csr_array(
        (np.ones(values.data.size), values.indices, values.indptr), shape=(n, m)
    )
    agree = np.asarray((one_hot @ agree_ind).toarray())
    disagree = np.asarray((one_hot @ disagree_ind).toarray())
    votes = np.asarray((one_hot @ voted_ind).toarray())
    stats = _group_stats(agree, disagree, votes)
    groups = [
        Group(
            id=int(ids[g]),
            size=int((group_rank_of_member == g).sum()),
            centre=(float(group_centres[g, 0]), float(group_centres[g, 1])),
            representative=_representative(stats, g, active),
        )
        for g in range(k_groups)
    ]

    # Consensus: classic over everyone, group-aware over the groups (§1.7).
    all_agree = np.bincount(values.indices, weights=values.data == AGREE, minlength=m)
    all_disagree = np.bincount(values.indices, weights=values.data == DISAGREE, minlength=m)
    all_votes = np.bincount(values.indices, minlength=m).astype(np.float64)
    group_consensus = np.prod(stats.pa, axis=0)
    group_consensus_mean = group_consensus ** (1 / max(k_groups, 1))
    group_consensus[~active] = 0.0
    group_consensus_mean[~active] = 0.0

    # Priority of showing a statement next (§1.8), counts over the clustered participants.
    n_s = votes.sum(axis=0)
    n_a = agree.sum(axis=0)
    n_pass = n_s - n_a - disagree.sum(axis=0)
    extremity = np.linalg.norm(extremity_vectors, axis=1)
    importance = ((n_a + 1) / (n_s + 2)) * (1 - (n_pass + 1) / (n_s + 2)) * (1 + extremity)
    priority = (importance * (1 + 8 * 2 ** (-n_s / 5))) ** 2

    state.components = components
    state.in_conversation = clustered
    base_labels = np.full(n, -1, dtype=np.int64)
    base_labels[members] = base_of_member
    state.base_labels, state.base_centres = base_labels, base_centres
    state.group_centres = {k: centres for k, (_, centres) in clusterings.items()}
    state.shown_group_ids, state.shown_group_centres = ids, group_centres
    state.recomputes += 1
    return MapResult(
        positions=positions,
        labels=labels,
        groups=groups,
        consensus_agree=_consensus(all_agree, all_votes, active),
        consensus_disagree=_consensus(all_disagree, all_votes, active),
        group_consensus=group_consensus,
        group_consensus_mean=group_consensus_mean,
        priority=priority,
        statement_positions=extremity_vectors,
        agree_counts=agree.astype(np.int64),
        disagree_counts=disagree.astype(np.int64),
        vote_counts=votes.astype(np.int64),
        best_k=best_k,
        state=state,
    )
