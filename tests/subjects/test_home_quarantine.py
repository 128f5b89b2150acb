"""Home quarantine: the placement rule, five-to-one teams, compliance, random checks."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from sim import Scenario, load_scenario
from sim.api import FLAGSHIP, RunResult, build_world, run_drill
from sim.engine.log import EventLog
from sim.engine.world import World
from tests.subjects._runs import PLANS, THREE_DAYS

HOME = """
subjects:
  transfer_isolation:
    home_quarantine:
      roles: [secondary_contact]
"""
"""The placement rule of the 9th edition (#26): secondary contacts quarantine at home."""


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plans")
    for name, body in {
        "home": HOME,
        "never-found": "subjects: {transfer_isolation: {home_quarantine: {checks: {find: 0}}}}\n",
        "re-secure": "subjects: {transfer_isolation: {home_quarantine: "
        "{checks: {then: re_secure}}}}\n",
    }.items():
        text = f"plan:\n  id: {name}\n  title: {name}\n{body}"
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


@cache
def _scenario(folder: Path, *plans: str) -> Scenario:
    files = [
        folder / f"{p}.yaml" if (folder / f"{p}.yaml").exists() else PLANS / f"{p}.yaml"
        for p in plans
    ]
    return load_scenario(FLAGSHIP, [THREE_DAYS, folder / "home.yaml", *files])


@cache
def _run(folder: Path, seed: int, *plans: str) -> RunResult:
    return run_drill(_scenario(folder, *plans), seed)


def _home(log: EventLog) -> dict[str, dict]:
    return {e.entity: e.details for e in log.of("isolated", mode="home_quarantine")}


def test_placement_rule_sends_secondary_contacts_home_without_a_vehicle(plans: Path) -> None:
    log = _world(plans, 4).log
    secondary = {
        e.entity
        for e in log.of("contact_identified")
        if e.details.get("role") == "secondary_contact"
    }
    home = _home(log)
    assert secondary and home
    assert {p for p, d in home.items() if d["role"] == "secondary_contact"} <= secondary
    requested = {e.entity for e in log.of("transfer_requested")}
    central = {e.entity for e in log.of("isolated", mode="central_quarantine")}
    assert not (set(home) & central)
    # others at home came by a transfer request, or point to point from a checkpoint
    assert all(
        d["role"] in ("secondary_contact", "arrival") or p in requested for p, d in home.items()
    )
    found = {e.entity for e in log.of("home_quarantine_breach_found")}
    assert not any(home[p]["role"] == "secondary_contact" for p in requested - found if p in home)


@pytest.mark.slow  # one more three-day run (the fast tier is at its budget)
def test_fewer_teams_only_add_breaches(plans: Path) -> None:
    """Same seed, half the grid workers on five-to-one teams: more households go
    unsupervised, and everyone at home in both runs who is in breach with full teams
    is in breach with half (the breaches' own infections may send others home)."""
    base, half = _world(plans, 4).log, _run(plans, 4, "half-supervision")
    b, h = _home(base), _home(half.log)
    both = b.keys() & h.keys()
    assert len(both) >= 0.9 * len(b)
    unsupervised = [sum(not d["supervised"] for d in x.values()) for x in (b, h)]
    assert unsupervised[1] > unsupervised[0] > 0
    breach = [{p for p, d in x.items() if not d["compliant"]} for x in (b, h)]
    assert breach[0] & both < breach[1] & both
    summary = half.summary["isolation"]["home_quarantine"]
    assert summary == {
        "people": len(h),
        "unsupervised": unsupervised[1],
        "breaches": len(breach[1]),
        "breaches_found": len(half.log.of("home_quarantine_breach_found")),
    }


@cache
def _world(plans: Path, seed: int, *extra: str) -> World:
    scn = _scenario(plans, *extra)
    world = build_world(scn, seed)
    world.run(scn.meta.duration_h)
    return world


def test_a_breach_is_not_isolation_until_a_check_finds_it(plans: Path) -> None:
    """A person in breach is left out of ``world.isolated`` — so the epidemic lets
    their exposures happen — until a random check finds them out; then they are
    isolated from that hour and moved to a free central room."""
    world = _world(plans, 4)
    log = world.log
    breach = {
        e.entity: e.t
        for e in log.of("isolated", mode="home_quarantine")
        if not e.details["compliant"]
    }
    found = {e.entity: e for e in log.of("home_quarantine_breach_found")}
    assert breach and found and set(found) <= set(breach)
    cases = {e.entity for e in log.of("lab_result_positive")}
    for person, at in breach.items():
        if person in found:
            assert found[person].t > at
            assert world.isolated[int(person)] == found[person].t
            assert found[person].agent == "supervision_tf"
        elif person not in cases:
            assert int(person) not in world.isolated
    moved = {e.entity for e in log.of("moved_to_central")}
    assert moved and moved <= set(found)


@pytest.mark.slow  # two more three-day runs
def test_breaches_never_found_stay_out_and_re_secured_stay_home(plans: Path) -> None:
    never = _world(plans, 4, "never-found")
    assert not never.log.of("home_quarantine_breach_found")
    out = [
        e.entity
        for e in never.log.of("isolated", mode="home_quarantine")
        if not e.details["compliant"]
    ]
    cases = {e.entity for e in never.log.of("lab_result_positive")}
    assert out and not any(int(p) in never.isolated for p in out if p not in cases)
    log = _run(plans, 4, "re-secure").log
    assert log.of("home_quarantine_breach_found") and not log.of("moved_to_central")


def test_teams_need_staff_or_grid_workers(tmp_path: Path) -> None:
    from sim.scenario.source import ScenarioError
    from tests.subjects.helpers import with_plan

    towns = load_scenario(FLAGSHIP).region.townships
    no_grid = "region:\n  townships:\n" + "".join(
        f"    {t}:\n      communities:\n"
        + "".join(f"        {c}: {{grid_workers: 0}}\n" for c in town.communities)
        for t, town in towns.items()
    )
    with pytest.raises(ScenarioError, match="no grid workers are declared"):
        with_plan(tmp_path, "no-grid", no_grid)


def test_a_compounds_grid_workers_staff_its_teams() -> None:
    """Teams come from the grid workers of the household's declared compound, else from
    its community's others; a household's slot frees when its last member leaves."""
    from types import SimpleNamespace

    import numpy as np

    from sim.engine.population import Population
    from sim.engine.rng import Streams
    from sim.subjects.home_quarantine import HomeQuarantine, HomeQuarantineService
    from tests.engine.test_population import _region

    compounds = {
        "lvyuan": {"name": {"zh": "绿苑", "en": "Lvyuan"}, "households": 300, "grid_workers": 10}
    }
    pop = Population.build(_region(compounds=compounds, grid_workers=25), Streams(1).gen("p"))
    world = SimpleNamespace(population=pop, streams=Streams(1))
    service = HomeQuarantineService(world, "transfer_isolation")  # type: ignore[arg-type]
    hq = HomeQuarantine.model_validate(
        {"agent": "communities", "time": 1, "supervision": {"unsupervised_compliance": 0}}
    )
    lo, _ = pop.compound_range(pop.compound_ids["a/x/lvyuan"])
    heads = [str(lo + 3 * k) for k in range(3)]  # three households of the compound
    assert [service.enter(hq, p)[0] for p in heads] == [True, True, False]  # 10 // 5 teams
    block = np.flatnonzero(pop.compound == pop.compound_ids["a/x/lvyuan"] + 1)
    others = [str(int(block[0]) + 3 * k) for k in range(4)]  # a default block: 25 - 10
    assert [service.enter(hq, p)[0] for p in others] == [True, True, True, False]  # 15 // 5
    service.leave(heads[0])
    assert service.enter(hq, str(lo + 9))[0]
