"""Every scenario and plan shipped in ``scenarios/`` loads: nothing drifts out of the schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import load_scenario

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
PLANS = sorted((ROOT / "scenarios" / "plans").glob("*.yaml"))
FLAGSHIP = ROOT / "scenarios" / "jiangxian-returnee.yaml"


def test_something_is_shipped() -> None:
    assert FLAGSHIP in SCENARIOS and len(SCENARIOS) >= 2 and len(PLANS) >= 4


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_loads(path: Path) -> None:
    scn = load_scenario(path)
    assert scn.meta.illustrative, "shipped scenarios are plainly marked illustrative"


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p.stem)
def test_plan_applies_to_flagship(plan: Path, flagship) -> None:
    base, scn = flagship, load_scenario(FLAGSHIP, [plan])
    assert [p.id for p in scn.applied_plans] == [plan.stem]
    assert scn != base, "a plan that changes nothing compares nothing"


YICHENG = ROOT / "scenarios" / "yicheng-two-chains.yaml"
YICHENG_PLANS = [
    *sorted((ROOT / "scenarios" / "plans" / "yicheng").glob("*.yaml")),
    *(
        ROOT / "scenarios" / "plans" / f"{p}.yaml"
        for p in ("half-supervision", "no-point-to-point")
    ),
]


@pytest.mark.parametrize("plan", YICHENG_PLANS, ids=lambda p: p.stem)
def test_plan_applies_to_yicheng(plan: Path) -> None:
    """The Yicheng plans (and the flagship's lever plans) change the second county's drill."""
    base, scn = load_scenario(YICHENG), load_scenario(YICHENG, [plan])
    assert [p.id for p in scn.applied_plans] == [plan.stem]
    assert scn != base
