"""Batching of replications: every (replication, seed) once, in order, whatever the workers."""

from __future__ import annotations

import pytest

from sim.experiment.backends import batch_size, make_batches


def _todo(plans: list[str], runs: int) -> dict[str, list[tuple[int, int]]]:
    return {p: [(r, 1000 + r) for r in range(runs)] for p in plans}


@pytest.mark.parametrize("workers", [1, 2, 5])
@pytest.mark.parametrize("runs", [1, 7, 200])
def test_every_replication_once_in_order(workers: int, runs: int) -> None:
    plans = ["baseline", "plan"]
    todo = _todo(plans, runs)
    batches = make_batches(plans, todo, batch_size(runs * len(plans), workers), workers)
    for i, p in enumerate(plans):
        mine = [b for b in batches if b.plan == p]
        assert all(b.arm == i for b in mine)
        assert [x for b in mine for x in b.items] == todo[p]


def test_plans_advance_together() -> None:
    batches = make_batches(["a", "b"], _todo(["a", "b"], 100), 10, 2)
    assert [b.plan for b in batches[:4]] == ["a", "b", "a", "b"]


def test_batches_shrink_at_the_end_with_several_workers() -> None:
    """The last batches are single replications, so no worker idles through a full batch."""
    plans = ["a", "b"]
    batches = make_batches(plans, _todo(plans, 200), 25, 2)
    sizes = [len(b.items) for b in batches]
    assert sizes[0] == 25
    assert sizes[-4:] == [1, 1, 1, 1]
    assert sizes == sorted(sizes, reverse=True)


def test_one_worker_keeps_full_batches() -> None:
    batches = make_batches(["a"], _todo(["a"], 100), 25, 1)
    assert [len(b.items) for b in batches] == [25, 25, 25, 25]
