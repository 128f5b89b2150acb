"""The what-if fan: every option of a decision on the same seeds (common random numbers)."""

from __future__ import annotations

import pytest

from sim.api import run_drill
from sim.experiment.arms import ExperimentError
from sim.experiment.fan import what_if_fan

pytestmark = pytest.mark.slow  # forty replications of the flagship's first 14 hours

HOURS = 14
STAKE = ["core-info-4h", "push-list-verified-24h"]


@pytest.fixture(scope="module")
def half_day(flagship):
    return flagship.model_copy(
        update={
            "meta": flagship.meta.model_copy(update={"duration_h": HOURS}),
            "injects": [i for i in flagship.injects if i.at_h is None or i.at_h < HOURS],
        }
    )


def test_each_option_runs_on_the_same_seeds_from_the_same_premises(half_day) -> None:
    premises = {"zone-seal": "police"}
    seen = []
    fan = what_if_fan(
        half_day, "venue-finding", premises, runs=20, seed=11, objectives=STAKE,
        progress=lambda done, total: seen.append((done, total)),
    )  # fmt: skip
    assert [o["id"] for o in fan["options"]] == ["reinterview", "wait_full"]
    assert len(fan["seeds"]) == 20 and seen[-1] == (40, 40)
    for option in fan["options"]:
        assert [o["id"] for o in option["objectives"]] == STAKE
        assert all(len(o["values"]) == 20 for o in option["objectives"])
        # replication 3 of this option is the drill with this choice on the fan's 4th seed
        scn = half_day.model_copy(update={"decisions": {**premises, "venue-finding": option["id"]}})
        log = run_drill(scn, fan["seeds"][3])
        assert log.log.first("decision_made", entity="zone-seal").details["option"] == "police"
        direct = {o["id"]: o["achieved"] for o in log.summary["objectives"]}
        assert [o["values"][3] for o in option["objectives"]] == [direct[s] for s in STAKE]
        for o in option["objectives"]:
            done = sorted(v for v in o["values"] if v is not None)
            assert o["achieved"] == len(done)
            if done:
                assert done[0] <= o["p10_h"] <= o["median_h"] <= o["p90_h"] <= done[-1]


def test_only_a_decision_has_a_fan(half_day) -> None:
    with pytest.raises(ExperimentError, match="not a decision point"):
        what_if_fan(half_day, "push-list", runs=20)
    with pytest.raises(ExperimentError, match="runs"):
        what_if_fan(half_day, "venue-finding", runs=5)


def test_without_named_objectives_only_those_the_options_move_are_shown(half_day) -> None:
    # every subject is rated: drop zone control's objectives so that none is named
    unnamed = half_day.model_copy(
        update={"objectives": [o for o in half_day.objectives if o.subject != "zone_control"]}
    )
    fan = what_if_fan(unnamed, "zone-seal", runs=20, seed=11)  # no objectives, none by subject
    shown = [o["id"] for o in fan["options"][0]["objectives"]]
    for j, sid in enumerate(shown):
        per_option = {tuple(opt["objectives"][j]["values"]) for opt in fan["options"]}
        assert len(per_option) > 1, sid
    assert len(shown) < len(unnamed.objectives)
