"""Several index cases, seeded chains and what found each (summary ``index_cases``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import load_scenario
from sim.api import FLAGSHIP, build_world
from sim.errors import DrillInputError
from sim.evaluation.summary import index_cases
from sim.report.names import Names
from sim.scenario.injects import Inject

TWO_CHAINS = """
subjects:
  traffic_control:
    index_cases:
      at_the_gate:
        label: {zh: 返乡人员乙, en: Returnee B}
        community: nanfan/nanfan
        origin: Xi'an
        risk_level: high
        arrival_h: 4
        exposure_h: -20
      in_the_compound:
        label: {zh: 社区筛查阳性人员, en: Case found by the community round}
        community: gujiang/jiucheng
        arrival_h: -30
        exposure_h: -60
        found_by: screening
        found_h: 20
      unnoticed:
        community: gujiang/xiguan
        arrival_h: -10
        found_by: none
"""


def _plan(tmp_path: Path, body: str, name: str = "chains") -> Path:
    plan = tmp_path / f"{name}.yaml"
    plan.write_text(f"plan:\n  id: {name}\n  title: {name}\n{body}", encoding="utf-8")
    return plan


def test_each_index_case_enters_and_is_found_as_declared(tmp_path) -> None:
    scn = load_scenario(FLAGSHIP, [_plan(tmp_path, TWO_CHAINS)])
    world = build_world(scn, 11)
    world.env.run(until=40.0)
    log = world.log
    cases = {c["id"]: c for c in index_cases(log)}
    assert set(cases) == {"returnee", "at_the_gate", "in_the_compound", "unnoticed"}
    assert cases["returnee"]["found_by"] == "health_monitoring"
    assert cases["at_the_gate"]["found_by"] == "arrival_test"
    assert cases["at_the_gate"]["label"] == {"zh": "返乡人员乙", "en": "Returnee B"}
    assert cases["in_the_compound"]["found_by"] == "screening"
    assert cases["in_the_compound"]["found_h"] >= 20
    assert all(c["imported"] for c in cases.values())
    arrivals = {e.details["index_case"]: e for e in log.of("returnee_arrival")}
    people = {e.entity for e in arrivals.values()}
    assert len(people) == 4  # one resident per index case
    infections = {e.entity: e for e in log.of("infection", setting="imported")}
    assert infections[arrivals["at_the_gate"].entity].details["exposure_h"] == -20
    assert infections[arrivals["in_the_compound"].entity].details["exposure_h"] == -60
    # nobody tests the unnoticed one for the premise
    premise = {e.entity for e in log.of("test_requested") if e.details.get("premise")}
    assert arrivals["unnoticed"].entity not in premise
    # the checkpoint case is held from its check and transferred point to point
    gate = arrivals["at_the_gate"].entity
    assert world.isolated[int(gate)] <= arrivals["at_the_gate"].t
    assert log.of("arrival_quarantine", entity=gate)
    # both found chains are tested, confirmed, traced and isolated
    for cid in ("at_the_gate", "in_the_compound"):
        person = arrivals[cid].entity
        assert log.of("lab_result_positive", entity=person)
        assert log.of("case_confirmed", entity=person)
        assert log.of("interview_start", entity=person)
        assert log.of("isolated", entity=person) or log.of("admitted", entity=person)
    # reports name an index case as the scenario does
    names = Names(scn.model_dump(mode="json", by_alias=True), log, "zh")
    assert names.person(arrivals["at_the_gate"].entity) == "返乡人员乙"


def test_the_returnee_alone_is_index_case_returnee(flagship) -> None:
    from sim.experiment.metrics import flatten

    world = build_world(flagship, 2)
    world.env.run(until=1.0)
    [case] = index_cases(world.log)
    assert case["id"] == "returnee" and case["entered_h"] == -60
    assert case["found_by"] is None and case["found_h"] is None  # its test is not back yet
    metrics = flatten({"index_cases": [case]})
    assert metrics == {"index_cases.returnee.found": 0, "index_cases.returnee.found_h": None}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "      x: {community: nanfan/nanfan, arrival_h: -5, found_by: arrival_test}\n",
            "arrival_h ≥ 0",
        ),
        ("      x: {community: nanfan/nowhere, arrival_h: 1}\n", "unknown community"),
        ("      x: {community: nanfan/nanfan, arrival_h: 1, exposure_h: 5}\n", "arrives infected"),
        ("      x: {community: nanfan/nanfan, arrival_h: -1, found_by: screening}\n", "found_h"),
    ],
)
def test_bad_index_cases_are_located(tmp_path, body, message) -> None:
    plan = _plan(tmp_path, "subjects:\n  traffic_control:\n    index_cases:\n" + body, "bad")
    with pytest.raises(DrillInputError) as err:
        load_scenario(FLAGSHIP, [plan])
    assert message in str(err.value)
    assert "bad.yaml:" in str(err.value) and "index_cases.x" in str(err.value)


def test_an_inject_seeds_a_new_chain(flagship) -> None:
    inject = Inject.model_validate(
        {
            "id": "new-case",
            "at_h": 6,
            "target": "coordination",
            "type": "new_finding",
            "subject": "tracing",
            "message": "A fever clinic reports a positive resident",
            "effects": [
                {
                    "kind": "seed_case",
                    "id": "clinic_case",
                    "label": {"zh": "发热门诊阳性人员", "en": "Fever-clinic positive"},
                    "community": "gujiang/xiguan",
                    "infected_h_ago": 72,
                    "arrived_h_ago": 48,
                    "found_by": "fever_clinic",
                    "found_after_h": 2,
                }
            ],
        }
    )
    scn = flagship.model_copy(update={"injects": [inject]})
    world = build_world(scn, 4)
    world.env.run(until=30.0)
    cases = {c["id"]: c for c in index_cases(world.log)}
    seeded = cases["clinic_case"]
    assert seeded["found_by"] == "fever_clinic" and seeded["found_h"] >= 8
    assert seeded["entered_h"] == pytest.approx(6 - 48)
    arrival = world.log.of("returnee_arrival", index_case="clinic_case")[0]
    infection = world.log.of("infection", entity=arrival.entity)[0]
    assert infection.details["setting"] == "imported"
    assert infection.details["exposure_h"] == pytest.approx(6 - 72)
    assert world.log.of("case_confirmed", entity=arrival.entity)


def test_a_seeded_id_may_not_repeat_an_index_case(tmp_path, flagship_text) -> None:
    text = flagship_text.replace(
        "      - {kind: test_request, community: gujiang/xincheng, people: 30, reason: data_push}",
        "      - {kind: seed_case, id: returnee, community: gujiang/xincheng}",
        1,
    )
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DrillInputError) as err:
        load_scenario(path)
    assert "already an index case" in str(err.value)
