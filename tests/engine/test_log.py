"""The event log's indexed reads (incremental count, kinds in log order) equal full scans."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sim.engine.log import EventLog


@given(st.lists(st.tuples(st.sampled_from(["isolated", "handoff"]), st.sampled_from("abc"))))
def test_count_equals_recount_while_the_log_grows(appends: list[tuple[str, str]]) -> None:
    log = EventLog()
    for kind, mode in appends:
        log.append(0.0, kind, "s", mode=mode)
        for k in ("isolated", "handoff"):
            assert log.count(k, mode="a") == len(log.of(k, mode="a"))
            assert log.count(k) == len(log.of(k))


@given(st.lists(st.sampled_from(["isolated", "handoff", "inject"])))
def test_among_is_the_log_filtered_by_kind(kinds: list[str]) -> None:
    log = EventLog()
    for kind in kinds:
        log.append(0.0, kind, "s")
    assert log.among("inject", "isolated") == [e for e in log if e.kind in ("isolated", "inject")]
