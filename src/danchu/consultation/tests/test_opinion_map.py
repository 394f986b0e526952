"""The opinion map's algorithm (issue 7 'Done means'; design/opinion-map.md §2), no database."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from danchu.consultation.map_synthetic import planted_votes
from danchu.consultation.opinion_map import (
    AGREE,
    DISAGREE,
    Z_90,
    MapState,
    VoteTable,
    _choose_k,
    compute_map,
)


def _table(data):  # type: ignore[no-untyped-def]
    return VoteTable.from_events(
        data.participant,
        data.statement,
        data.vote,
        n_participants=data.n_participants,
        n_statements=data.n_statements,
    )


@pytest.fixture(scope="module")
def planted():  # type: ignore[no-untyped-def]
    return planted_votes(1500, 60, seed=7, shift_sd=2.5, seen=(0.4, 0.9))


@pytest.fixture(scope="module")
def planted_map(planted):  # type: ignore[no-untyped-def]
    return compute_map(_table(planted))


def test_planted_groups_are_recovered(planted, planted_map) -> None:
    clustered = planted_map.labels >= 0
    assert len(planted_map.groups) == 3
    ari = adjusted_rand_score(planted.group[clustered], planted_map.labels[clustered])
    assert ari >= 0.9


def _reference_positions(data) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Straightforward: a dense matrix, column-mean imputation, full SVD, √(m/nᵢ) scaling."""
    n, m = data.n_participants, data.n_statements
    dense = np.full((n, m), np.nan)
    dense[data.participant, data.statement] = data.vote
    voted = ~np.isnan(dense)
    means = np.array([dense[voted[:, c], c].mean() if voted[:, c].any() else 0 for c in range(m)])
    imputed = np.where(voted, dense, means)
    centred = imputed - imputed.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    return (centred @ vt[:2].T) * np.sqrt(m / np.maximum(voted.sum(axis=1), 1))[:, None]


def test_projection_and_groups_match_a_dense_reference(planted, planted_map) -> None:
    reference = _reference_positions(planted)
    for axis in range(2):  # the same axes up to a sign
        corr = np.corrcoef(reference[:, axis], planted_map.positions[:, axis])[0, 1]
        assert abs(corr) > 0.999
    clustered = planted_map.labels >= 0
    plain = KMeans(3, n_init=10, random_state=0).fit_predict(reference[clustered])
    assert adjusted_rand_score(plain, planted_map.labels[clustered]) >= 0.95


def _z(success: float, total: float) -> float:
    return 2 * (total + 1) ** 0.5 * ((success + 1) / (total + 1) - 0.5)


def test_consensus_matches_a_reference_loop(planted, planted_map) -> None:
    """Classic consensus recomputed vote by vote in plain Python over every participant."""
    agree = [0] * planted.n_statements
    disagree = [0] * planted.n_statements
    total = [0] * planted.n_statements
    for statement, vote in zip(planted.statement.tolist(), planted.vote.tolist(), strict=True):
        total[statement] += 1
        agree[statement] += vote == 1
        disagree[statement] += vote == -1

    def top(counts: list[int]) -> list[int]:
        scored = []
        for c in range(planted.n_statements):
            p = (counts[c] + 1) / (total[c] + 2)
            z = _z(counts[c], total[c])
            if p > 0.5 and z > Z_90:
                scored.append((-p * z, c))
        return [c for _, c in sorted(scored)[:5]]

    assert planted_map.consensus_agree == top(agree)
    assert planted_map.consensus_disagree == top(disagree)
    assert planted_map.consensus_agree  # the data have consensus statements to find


def test_representative_statements_match_a_reference_loop(planted, planted_map) -> None:
    """The significant statements of each group, recomputed per statement from the labels."""
    labels = planted_map.labels
    for index, group in enumerate(planted_map.groups):
        expected = set()
        for c in range(planted.n_statements):
            on_c = planted.statement == c
            voters = planted.participant[on_c]
            votes = planted.vote[on_c]
            mine = labels[voters] == group.id
            rest = (labels[voters] >= 0) & ~mine
            for direction in (AGREE, DISAGREE):
                n_s, n_x = mine.sum(), (votes[mine] == direction).sum()
                o_s, o_x = rest.sum(), (votes[rest] == direction).sum()
                q1, q2 = (n_x + 1) / (n_s + 1), (o_x + 1) / (o_s + 1)
                q = (n_x + o_x + 2) / (n_s + o_s + 2)
                rz = (q1 - q2) / np.sqrt(q * (1 - q) * (1 / (n_s + 1) + 1 / (o_s + 1)))
                if _z(n_x, n_s) > Z_90 and rz > Z_90:
                    expected.add(c)
        assert planted_map.agree_counts[index].sum() > 0
        chosen = {rep.statement for rep in group.representative}
        assert chosen <= expected | {group.representative[0].statement}
        assert len(chosen) == min(5, len(expected | {group.representative[0].statement}))


def _rejecting_group_votes(seed: int = 3) -> VoteTable:
    """60 participants, 12 statements: 30 disagree with 80 % of everything, 30 agree with 80 %."""
    rng = np.random.default_rng(seed)
    p, s = np.meshgrid(np.arange(60), np.arange(12), indexing="ij")
    rejecting = p < 30
    flip = rng.random(p.shape) < 0.2
    vote = np.where(rejecting ^ flip, DISAGREE, AGREE)
    return VoteTable.from_events(p.ravel(), s.ravel(), vote.ravel())


def test_a_group_defined_by_rejection_gets_its_statements() -> None:
    result = compute_map(_rejecting_group_votes())
    rejecting = [
        g for g in result.groups if (np.flatnonzero(result.labels == g.id) < 30).mean() > 0.9
    ]
    assert rejecting, "the rejecting participants form a group"
    reps = rejecting[0].representative
    assert len(reps) == 5
    assert all(rep.direction == DISAGREE for rep in reps)


@pytest.mark.parametrize("statements", [3, 5])
def test_a_consultation_with_few_statements_is_mapped(statements: int) -> None:
    rng = np.random.default_rng(statements)
    p, s = np.meshgrid(np.arange(40), np.arange(statements), indexing="ij")
    leaning = np.where(p < 20, AGREE, DISAGREE)
    vote = np.where(rng.random(p.shape) < 0.85, leaning, -leaning)
    result = compute_map(VoteTable.from_events(p.ravel(), s.ravel(), vote.ravel()))
    assert (result.labels >= 0).all()  # min(7, m) votes are enough to be clustered
    assert len(result.groups) >= 2
    assert all(group.representative for group in result.groups)


def test_only_the_most_active_fill_up_to_fifteen() -> None:
    # 20 participants; 10 voted on 8 statements, 10 on 2: the 5 most active light voters join.
    votes = [(p, s, AGREE if p % 2 else DISAGREE) for p in range(10) for s in range(8)]
    votes += [(p, s, AGREE) for p in range(10, 20) for s in range(2 if p < 15 else 1)]
    p, s, v = zip(*votes, strict=True)
    result = compute_map(VoteTable.from_events(p, s, v))
    assert set(np.flatnonzero(result.labels >= 0)) == set(range(15))


def test_a_changed_vote_counts_once() -> None:
    base = _rejecting_group_votes()
    coo = base.values.tocoo()
    p, s, v = coo.row, coo.col, coo.data
    # Participant 0 first agrees with every statement, then changes to the votes above.
    events_p = np.concatenate([np.zeros(12, dtype=np.int64), p])
    events_s = np.concatenate([np.arange(12), s])
    events_v = np.concatenate([np.full(12, AGREE), v])
    changed = VoteTable.from_events(events_p, events_s, events_v)
    assert changed.values.nnz == base.values.nnz
    assert (changed.values != base.values).nnz == 0
    first, second = compute_map(base), compute_map(changed)
    np.testing.assert_array_equal(first.vote_counts, second.vote_counts)
    np.testing.assert_array_equal(first.labels, second.labels)


def test_the_latest_vote_wins_and_a_pass_is_a_vote() -> None:
    table = VoteTable.from_events([0, 0, 0, 1], [0, 0, 1, 0], [AGREE, 0, DISAGREE, AGREE])
    assert table.values.toarray().tolist() == [[0, -1], [1, 0]]
    assert table.values.nnz == 3  # the pass is stored, not missing


def test_groups_do_not_jump_when_a_few_votes_arrive(planted) -> None:
    first = compute_map(_table(planted))
    state = MapState.from_bytes(first.state.to_bytes())  # as stored between recomputes
    rng = np.random.default_rng(1)
    extra = 30
    p = np.concatenate([planted.participant, rng.integers(0, planted.n_participants, extra)])
    s = np.concatenate([planted.statement, rng.integers(0, planted.n_statements, extra)])
    v = np.concatenate([planted.vote, rng.choice([-1, 0, 1], extra)])
    table = VoteTable.from_events(p, s, v, n_participants=planted.n_participants, n_statements=60)
    second = compute_map(table, previous=state)
    assert [g.id for g in second.groups] == [g.id for g in first.groups]
    same = (first.labels >= 0) & (second.labels >= 0)
    assert (first.labels[same] == second.labels[same]).mean() > 0.99
    for axis in range(2):  # no flipped axes
        assert np.dot(first.positions[:, axis], second.positions[:, axis]) > 0


def test_the_number_of_groups_changes_only_after_four_recomputes_prefer_it() -> None:
    state = MapState()
    assert _choose_k(state, 3, {2, 3, 4}) == 3  # the first recompute takes the best directly
    assert [_choose_k(state, 4, {2, 3, 4}) for _ in range(3)] == [3, 3, 3]
    assert _choose_k(state, 4, {2, 3, 4}) == 4  # the fourth in a row switches
    assert _choose_k(state, 2, {2, 3, 4}) == 4
    assert _choose_k(state, 4, {2, 3, 4}) == 4  # an interrupted run starts again
    assert state.candidate_count == 0


def test_moderated_out_statements_are_never_listed(planted) -> None:
    hidden = [*range(0, 60, 2)]
    result = compute_map(_table(planted), moderated_out=hidden)
    listed = set(result.consensus_agree) | set(result.consensus_disagree)
    for group in result.groups:
        listed |= {rep.statement for rep in group.representative}
    assert listed
    assert not listed & set(hidden)
    assert (result.group_consensus[hidden] == 0).all()


def test_new_participants_and_statements_extend_the_previous_state(planted, planted_map) -> None:
    grown = VoteTable.from_events(
        np.concatenate([planted.participant, [1500] * 8]),
        np.concatenate([planted.statement, [60, 1, 2, 3, 4, 5, 6, 7]]),
        np.concatenate([planted.vote, [AGREE] * 8]),
    )
    state = MapState.from_bytes(planted_map.state.to_bytes())
    result = compute_map(grown, previous=state)
    assert result.positions.shape == (1501, 2)
    assert result.labels[1500] >= 0
    assert result.statement_positions.shape == (61, 2)


def test_group_consensus_product_and_geometric_mean(planted_map) -> None:
    k = len(planted_map.groups)
    np.testing.assert_allclose(planted_map.group_consensus_mean**k, planted_map.group_consensus)
    assert planted_map.priority.shape == (60,)
    assert (planted_map.priority > 0).all()
