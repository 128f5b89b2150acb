"""drill — a reproducible discrete-event simulation of epidemic-response tabletop drills.

The public API a notebook user needs is re-exported here::

    from sim import load_scenario, run_drill
    scenario = load_scenario("scenarios/jiangxian-returnee.yaml")
    result = run_drill(scenario, seed=1)
    result.summary["objectives"]
"""

from sim.api import RunResult, run_drill, write_run
from sim.language import load_scenario
from sim.scenario import Scenario, ScenarioError

__all__ = [
    "RunResult",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "run_drill",
    "write_run",
]
__version__ = "0.1.0"
