"""drill sweep: values, minimum capacity meeting a target, and its direction."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sim import ScenarioError
from sim.experiment import ExperimentError, parse_vary, sweep
from sim.experiment.arms import resolve, sweep_arms

from .common import HERE, SCENARIO

VEHICLES = "subjects.transfer_isolation.vehicles"
OBJECTIVE = "contacts-quarantined-12h"


def test_parse_vary_lists_and_inclusive_ranges() -> None:
    assert parse_vary(f"{VEHICLES}=2,4,6").values == (2, 4, 6)
    assert parse_vary(f"{VEHICLES}=2:12:2").values == (2, 4, 6, 8, 10, 12)
    assert parse_vary("a.b=0.5:1.0:0.25").values == (0.5, 0.75, 1.0)
    assert parse_vary("a.b=1:3").path == ("a", "b")
    for bad in ("a.b", "a.b=", "a.b=3:1", "a.b=1,1", "a..b=1", "a.b=x:y"):
        with pytest.raises(ExperimentError):
            parse_vary(bad)


def test_unknown_path_and_invalid_value_are_located(tmp_path: Path) -> None:
    with pytest.raises(ExperimentError, match="no such key"):
        sweep(SCENARIO, ["subjects.transfer_isolation.vehiclez=1,2"], runs=1, out=tmp_path)
    with pytest.raises(ScenarioError) as err:
        sweep(SCENARIO, [f"{VEHICLES}=0,2"], runs=1, out=tmp_path)
    line = str(err.value.problems[0])
    # the library names the argument, not a flag (the CLI shows it as --vary)
    assert line.startswith(f"`vary` {VEHICLES}=0,2: {VEHICLES}:")
    with pytest.raises(ExperimentError, match="no such objective"):
        sweep(SCENARIO, [f"{VEHICLES}=1"], objective="nope", runs=1, out=tmp_path)


def _min_fleet(tmp_path: Path, plans: list[Path], name: str) -> dict:
    doc, _ = sweep(
        SCENARIO,
        [f"{VEHICLES}=1,2,3"],
        plans=plans,
        objective=OBJECTIVE,
        target=0.9,
        runs=12,
        workers=1,
        out=tmp_path / name,
        quiet=True,
    )
    return doc


@pytest.mark.slow  # 78 replications
def test_minimum_fleet_rises_with_contacts_per_case(tmp_path: Path) -> None:
    # only the index case's contacts reach the transfer team (no push lists, no
    # secondary contacts, no mass testing): contacts per case set the fleet's load
    few = HERE / "few_contacts.yaml"
    low = _min_fleet(tmp_path, [few], "low")
    high = _min_fleet(tmp_path, [few, HERE / "more_contacts.yaml"], "high")
    lo, hi = low["sweep"]["parameters"][0], high["sweep"]["parameters"][0]
    assert lo["values"] == hi["values"] == [1, 2, 3]
    # more contacts per case: more people to move, never a better chance with the same fleet
    assert (
        high["metrics"]["contacts.identified"]["baseline"]["mean"]
        > (low["metrics"]["contacts.identified"]["baseline"]["mean"])
    )
    p_lo = [p["p_met"] for p in lo["points"]]
    p_hi = [p["p_met"] for p in hi["points"]]
    assert all(h <= lo_ for h, lo_ in zip(p_hi, p_lo, strict=True))
    assert p_hi[0] < p_lo[0]
    # p(met) grows with the fleet, and the minimum fleet moves up
    assert p_hi == sorted(p_hi)
    assert hi["smallest_meeting_target"] > lo["smallest_meeting_target"]
    for pt in hi["points"]:
        assert pt["ci_low"] <= pt["p_met"] <= pt["ci_high"]
    conf = hi["smallest_meeting_target_confident"]
    assert conf is None or conf >= hi["smallest_meeting_target"]
    tornado = high["sweep"]["tornado"][f"objective.{OBJECTIVE}.met"]
    assert tornado[0]["path"] == VEHICLES and tornado[0]["swing"] > 0


@pytest.mark.slow  # 30 replications
def test_tornado_ranks_the_parameter_that_matters_first(tmp_path: Path) -> None:
    doc, _ = sweep(
        SCENARIO,
        [f"{VEHICLES}=1,3", "subjects.tracing.full_trajectory.median=6,12"],
        plans=[HERE / "few_contacts.yaml"],
        objective="initial-investigation-24h",
        runs=6,
        workers=1,
        out=tmp_path,
        quiet=True,
    )
    bars = doc["sweep"]["tornado"]["objective.initial-investigation-24h.achieved_h"]
    assert next(b["path"] for b in bars) == "subjects.tracing.full_trajectory.median"
    assert bars[0]["swing"] > bars[1]["swing"] >= 0
    assert {p["id"] for p in doc["plans"]} == {
        "baseline",
        "vehicles=1",
        "vehicles=3",
        "median=6",
        "median=12",
    }


@pytest.mark.slow  # a subprocess
def test_cli_sweep_bad_vary_is_one_line_exit_2(tmp_path: Path) -> None:
    cmd = [
        sys.executable,
        "-m",
        "sim.cli",
        "sweep",
        str(SCENARIO),
        "--vary",
        "subjects.transfer_isolation.vehicles",
        "--out",
        str(tmp_path),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "PATH=VALUES" in proc.stderr


def test_the_cli_names_the_flag_the_library_names_the_argument(monkeypatch, capsys) -> None:
    from sim.cli import main

    monkeypatch.setattr("sys.argv", ["drill", "sweep", str(SCENARIO), "--vary", f"{VEHICLES}=0,2"])
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"--vary {VEHICLES}=0,2: {VEHICLES}:") and "`" not in err


CITY_LAB = "subjects.testing.mass.labs[city_lab].machines"


def test_a_path_picks_a_list_element_by_id_or_position() -> None:
    assert parse_vary(f"{CITY_LAB}=4,8").path[-2:] == ("labs[city_lab]", "machines")
    data = {"labs": [{"agent": "county_lab", "machines": 6}, {"agent": "city_lab", "machines": 16}]}
    assert resolve(data, ("labs[city_lab]", "machines"), "a") == ("labs", 1, "machines")
    assert resolve(data, ("labs[0]", "machines"), "a") == ("labs", 0, "machines")
    with pytest.raises(ExperimentError) as err:
        resolve(data, ("labs[city_lb]", "machines"), "labs[city_lb].machines=4")
    message = str(err.value)
    assert "labs[city_lb]: no element 'city_lb'" in message
    assert "there are: county_lab, city_lab" in message
    assert "did you mean 'city_lab'?" in message
    with pytest.raises(ExperimentError, match=r"labs\[x\]: not a list"):
        resolve({"labs": {"x": 1}}, ("labs[x]",), "a")


@pytest.mark.slow  # two replications of the flagship's first three days
def test_sweep_varies_one_lab_by_id_and_the_run_uses_it(tmp_path: Path) -> None:
    """Only the named laboratory changes, the other stays; the run's summary reports the
    machines (and daily capacity) the varied lab ran with."""
    arms = sweep_arms(SCENARIO, [parse_vary(f"{CITY_LAB}=4,8")], plans=[HERE / "short.yaml"])
    assert [a.id for a in arms] == ["baseline", "machines=4", "machines=8"]
    for arm, machines in zip(arms, (16, 4, 8), strict=True):
        labs = {lab.agent: lab.machines for lab in arm.scenario.subject_params("testing").mass.labs}
        assert labs == {"county_lab": 6, "city_lab": machines}
    doc, _ = sweep(
        SCENARIO,
        [f"{CITY_LAB}=4"],
        plans=[HERE / "short.yaml"],
        runs=1,
        workers=1,
        out=tmp_path / "labs",
        quiet=True,
    )
    machines = doc["metrics"]["mass_testing.labs.city_lab.machines"]
    assert machines["baseline"]["mean"] == 16
    assert machines["machines=4"]["mean"] == 4
    assert doc["metrics"]["mass_testing.labs.county_lab.machines"]["machines=4"]["mean"] == 6
    assert doc["sweep"]["parameters"][0]["path"] == CITY_LAB


def test_a_count_objective_is_ranked_by_its_count() -> None:
    from sim.experiment.sweep import key_outcomes

    doc = {
        "objectives": {"no-person-missed": {"kind": "count"}, OBJECTIVE: {"kind": "time"}},
        "metrics": dict.fromkeys(
            [
                "objective.no-person-missed.met",
                "objective.no-person-missed.achieved",
                f"objective.{OBJECTIVE}.met",
                f"objective.{OBJECTIVE}.achieved_h",
                "infections.total",
            ]
        ),
    }
    assert key_outcomes(doc, "no-person-missed") == [
        "objective.no-person-missed.met",
        "objective.no-person-missed.achieved",
        "infections.total",
    ]
    assert key_outcomes(doc, OBJECTIVE)[1] == f"objective.{OBJECTIVE}.achieved_h"
