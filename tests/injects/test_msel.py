"""The MSEL at run time: timing, triggers, effects, decisions, spot-checks."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from sim import Scenario, ScenarioError, load_scenario
from sim.api import FLAGSHIP, run_drill
from sim.engine.log import EventLog
from sim.engine.world import World
from sim.injects.keywords import verdict
from sim.injects.msel import Scripted
from tests.conftest import line_of

DATA = Path(__file__).parent / "data"


def _plan(tmp_path: Path, text: str, name: str = "plan.yaml", hours: float | None = None) -> Path:
    """A plan file; ``hours`` shortens the drill to what the test needs (and keeps it fast)."""
    path = tmp_path / name
    head = "plan: {id: t, title: t}\n"
    if hours is not None:
        head += f"meta: {{duration_h: {hours}}}\n"
    path.write_text(head + text, encoding="utf-8")
    return path


def _hours(scn: Scenario, hours: float) -> Scenario:
    """``scn`` simulated for ``hours`` only: enough for the early injects, and fast."""
    return scn.model_copy(update={"meta": scn.meta.model_copy(update={"duration_h": hours})})


@pytest.fixture(scope="module")
def default_log(flagship) -> EventLog:
    """The flagship as ``drill run`` plays it: one full run shared by the tests reading it."""
    return run_drill(flagship).log


def test_flagship_msel_covers_the_nine_subjects(flagship) -> None:
    from sim.subjects.registry import SUBJECTS

    injects = flagship.injects
    assert len(injects) >= 10
    assert {i.subject for i in injects} == set(SUBJECTS)
    assert sum(i.type == "decision" for i in injects) >= 3
    assert sum(i.type == "spot_check" for i in injects) >= 2


@pytest.mark.slow  # a full flagship run
def test_timed_injects_fire_at_their_hour_and_triggers_at_their_event(
    flagship, default_log
) -> None:
    log = default_log
    delivered = {e.entity: e for e in log.of("inject")}
    for inj in flagship.injects:
        if inj.at_h is not None:
            assert delivered[inj.id].t == pytest.approx(inj.at_h)
    # triggered: at the time of the first matching event, right after it in the log
    confirmed = log.first("case_confirmed")
    assert delivered["push-list"].t == confirmed.t
    assert delivered["push-list"].seq > confirmed.seq
    assert delivered["venue-finding"].t == log.first("core_info").t
    assert delivered["zone-seal"].t == log.first("command_activated").t
    # the rooms fill (data verification brings hundreds of risk persons): site-90 comes
    # right after the isolation that takes nine rooms in ten, never before
    rooms = sum(s.rooms for s in flagship.subjects.transfer_isolation.sites.values())
    central = log.of("isolated", mode="central_quarantine")
    ninth = central[math.ceil(0.9 * rooms) - 1]
    assert delivered["site-90"].t == ninth.t and delivered["site-90"].seq > ninth.seq
    assert not log.of("inject_skipped")  # every inject of the flagship comes in this run
    assert log.events[-1].kind == "run_end"


def test_trigger_count_fires_at_the_nth_event(tmp_path, flagship) -> None:
    plan = _plan(
        tmp_path,
        """injects:
  - id: third-contact
    trigger: {on: contact_identified, count: 3}
    target: transfer_tf
    type: information
    subject: tracing
    message: third contact
""",
        hours=48,
    )
    log = run_drill(load_scenario(FLAGSHIP, [plan])).log
    third = log.of("contact_identified")[2]
    inject = log.first("inject")
    assert inject.t == third.t and inject.seq > third.seq
    assert inject.details["cause"] == "trigger"


def test_rooms_occupied_trigger_counts_isolations_from_the_log(tmp_path) -> None:
    plan = _plan(
        tmp_path,
        """subjects:
  transfer_isolation:
    sites:
      hotel_a: {rooms: 4}
      hotel_b: null
injects:
  - id: rooms
    trigger: {on: rooms_occupied, share: 0.75}
    target: transfer_tf
    type: information
    subject: transfer_isolation
    message: rooms nearly full
""",
        hours=48,
    )
    log = run_drill(load_scenario(FLAGSHIP, [plan])).log
    central = log.of("isolated", mode="central_quarantine")
    assert len(central) >= 3
    assert log.first("inject").t == central[2].t  # 3 of 4 rooms = 75 %


@pytest.mark.slow  # a full flagship run
def test_machines_effect_changes_the_running_laboratory(default_log) -> None:
    """The flagship's machine failure: 6 machines down to 2; runs under way finish, and
    once they have, never more than two of the county laboratory's runs at once."""
    log = default_log
    change = log.first("machines_changed", agent="county_lab")
    assert (change.details["before"], change.details["machines"]) == (6, 2)
    spans = [(e.t - e.details["run_h"], e.t) for e in log.of("lab_run", agent="county_lab")]
    assert any(end > change.t for _, end in spans)
    drained = max((end for start, end in spans if start < change.t), default=change.t)
    later = [(s, e) for s, e in spans if s >= drained]
    assert later
    eps = 1e-3  # run_h is logged to 4 decimals
    peak = max(sum(1 for s2, e2 in later if s2 - eps <= s < e2 - eps) for s, _ in later)
    assert 0 < peak <= 2


def test_machines_effect_names_a_laboratory(tmp_path) -> None:
    plan = _plan(
        tmp_path,
        "injects:\n  - id: x\n    at_h: 1\n    type: resource_loss\n    subject: testing\n"
        "    target: testing_tf\n    message: m\n"
        "    effects: [{kind: machines, agent: cdc, set: 1}]\n",
    )
    with pytest.raises(ScenarioError) as err:
        load_scenario(FLAGSHIP, [plan])
    [problem] = [p for p in err.value.problems if "laboratory" in p.message]
    assert problem.path.endswith("effects[0].agent")


def test_set_staff_shrinks_without_preempting_and_grows_beyond_declared(flagship) -> None:
    agents = dict(flagship.agents)
    agents["cdc"] = agents["cdc"].model_copy(
        update={"staff": 2, "duty": agents["traffic_police"].duty}
    )
    world = World(flagship.model_copy(update={"agents": agents}), seed=1)
    cdc = world.agents["cdc"]
    for i in range(4):
        world.spawn(cdc.work("reporting", "t", str(i), 1.0))
    world.env.run(until=0.5)
    cdc.set_staff(1)  # the two busy members finish; then only one works
    world.env.run(until=10)
    starts = sorted(e.t for e in world.log.of("task_start"))
    assert starts == [0.0, 0.0, 1.0, 2.0]
    for i in range(3):
        world.spawn(cdc.work("reporting", "u", str(i), 1.0))
    cdc.add_staff(2)  # three staff now, one more than declared
    world.env.run(until=20)
    u_starts = [e.t for e in world.log.of("task_start", task="u")]
    assert u_starts == [10.0, 10.0, 10.0]


def test_decision_changes_the_outcome() -> None:
    # the premise (data/venue-premise.yaml): a busy supermarket before a 12-h result,
    # so the returnee meets venue contacts whom the core interview misses
    scn = load_scenario(FLAGSHIP, [DATA / "venue-premise.yaml"])
    wait = run_drill(scn, facilitator=Scripted({"venue-finding": "wait_full"})).log
    reint = run_drill(scn, facilitator=Scripted({"venue-finding": "reinterview"})).log
    chosen = reint.first("decision_made", entity="venue-finding")
    assert chosen.details["option"] == "reinterview"
    effective = reint.first("decision_effective", entity="venue-finding")
    assert effective.t == pytest.approx(chosen.t + 1.0)
    venue = [e for e in reint.of("contact_identified") if e.details["stage"] == "inject"]
    assert len(venue) >= 3 and all(e.details["setting"] == "venue" for e in venue)
    assert all(e.t == effective.t for e in venue)
    revealed = reint.first("finding_revealed", entity="venue-finding")
    assert revealed.details["contacts"] == len(venue)
    # up to the decision both runs are the same; only then do they part
    assert wait.events[: chosen.seq] == reint.events[: chosen.seq]
    first_iso = {e.entity: e.t for e in reversed(reint.of("isolated"))}
    first_iso_wait = {e.entity: e.t for e in reversed(wait.of("isolated"))}
    assert not wait.of("contact_identified", stage="inject")
    for e in venue:  # revealed contacts are isolated earlier than when waiting
        assert first_iso[e.entity] < first_iso_wait.get(e.entity, math.inf)


def test_option_overlay_applies_agent_changes_and_reports_subjects(tmp_path) -> None:
    plan = _plan(
        tmp_path,
        """injects:
  - id: choose
    at_h: 1
    target: coordination
    type: decision
    subject: testing
    message: choose
    options:
      - id: staff
        label: more lab staff
        overlay: {agents: {county_lab: {staff: 12}}}
      - id: site
        label: another site
        overlay:
          subjects:
            transfer_isolation:
              sites:
                hotel_c: {name: C, rooms: 10, travel_time: {dist: fixed, value: 1}}
""",
        hours=12,
    )
    scn = load_scenario(FLAGSHIP, [plan])
    log = run_drill(scn, facilitator=Scripted({"choose": "staff"})).log
    assert log.first("decision_effective").details["changed"] == ["agents.county_lab.staff"]
    log = run_drill(scn, facilitator=Scripted({"choose": "site"})).log
    eff = log.first("decision_effective").details
    # transfer_isolation.reconfigure opens the new site in the running world
    assert eff["changed"] == ["subjects.transfer_isolation"] and eff["not_applied"] == []
    assert log.first("site_opened", entity="hotel_c") is not None


def test_bad_option_overlay_is_located_in_the_scenario(tmp_path, flagship_text) -> None:
    broken = flagship_text.replace(
        "                  rooms: 150", "                  roomz: 150", 1
    )
    path = tmp_path / "s.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    [problem] = [p for p in err.value.problems if p.path.endswith("roomz")]
    assert problem.file == str(path)
    assert problem.line == line_of(broken, "roomz: 150")
    assert problem.path.endswith(
        "options[0].overlay.subjects.transfer_isolation.sites.hotel_c.roomz"
    )
    assert problem.message.startswith("unknown key")


def test_plan_decision_naming_no_option_is_located_in_the_plan(tmp_path) -> None:
    plan = _plan(tmp_path, "decisions:\n  venue-finding: later\n  no-such: x\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(FLAGSHIP, [plan])
    lines = sorted((p.line, p.path) for p in err.value.problems)
    assert lines == [(3, "decisions.venue-finding"), (4, "decisions.no-such")]
    assert all(p.file == str(plan) for p in err.value.problems)


def test_spot_check_draws_a_role_and_judges_the_answer(flagship) -> None:
    early = _hours(flagship, 19)  # the call comes at 18 h
    log = run_drill(early, facilitator=Scripted({"spot-grid-worker": "我去小区守门，封控"})).log
    call = log.first("spot_check_call", entity="spot-grid-worker")
    assert call.agent in ("communities", "townships")
    answer = log.first("spot_check_answer", entity="spot-grid-worker")
    assert answer.agent == call.agent
    assert answer.details["verdict"] == "correct"
    assert "zone_control" in answer.details["duties"]
    # the draw uses the world's streams: same seed, same role; another seed may differ
    calls = {run_drill(early, seed=s).log.first("spot_check_call").agent for s in range(8)}
    assert calls == {"communities", "townships"}


def test_verdicts() -> None:
    assert verdict("", ["testing"]) == ("no_answer", [])
    assert verdict("Swab everyone and send the samples", ["testing"]) == ("correct", ["testing"])
    assert verdict("立即转运隔离", ["testing"])[0] == "off_duty"
    assert verdict("I would call my boss", ["testing"])[0] == "unclear"


@pytest.mark.slow  # a full flagship run
def test_rumour_starts_a_clock_that_an_objective_can_measure(default_log) -> None:
    from sim.evaluation.objectives import measure
    from sim.scenario.schema import Measure

    log = default_log
    spread, answered = log.first("rumour_spread"), log.first("rumour_answered")
    assert spread.t == 14 and answered.t > spread.t
    m = Measure.model_validate({"start": "rumour_spread", "end": "rumour_answered"})
    assert measure(log, m) == pytest.approx(answered.t - spread.t)


@pytest.mark.slow  # a full flagship play
def test_example_answers_replay_deterministically(flagship) -> None:
    from sim.injects.answers import load_answers
    from sim.live.play import play_drill

    sheet = load_answers(FLAGSHIP.parent / "answers" / "example.yaml", flagship)
    log = play_drill(flagship, answers=sheet).log
    # replaying again gives the same events; a two-day replay (cheaper than a second
    # 14-day one) must give exactly the full replay's first two days
    again = play_drill(_hours(flagship, 48), answers=sheet).log
    early = [e for e in log if e.t < 48]
    assert len(early) > 1000 and [e for e in again if e.t < 48] == early
    made = {e.entity: e.details["option"] for e in log.of("decision_made")}
    assert made["lab-machine-fails"] == "mobile_lab" and made["zone-seal"] == "police"
    # both ad-hoc questions are asked: site-90 comes once the quarantine rooms fill
    asked = [(e.entity, e.details["question"]) for e in log.of("ad_hoc_question")]
    assert sorted(asked) == sorted((at, q) for at, qa in sheet.ad_hoc.items() for q, _ in qa)
    site = log.first("decision_effective", entity="site-90").details
    assert made["site-90"] == "second_hotel" and site["option"] == "second_hotel"
    assert site["changed"] == ["subjects.transfer_isolation"] and site["not_applied"] == []
    # the sheet answers every inject that comes in the run
    delivered = {e.entity for e in log.of("inject")}
    assert delivered == {i.id for i in flagship.injects} and delivered <= set(sheet.answers)
    plain = [i.id for i in flagship.injects if i.type not in ("decision", "spot_check")]
    assert sorted(e.entity for e in log.of("inject_answer")) == sorted(plain)
    assert all(e.details["answer"] == sheet.answers[e.entity] for e in log.of("inject_answer"))


@pytest.mark.slow  # four two-day flagship runs
def test_every_flagship_option_applies_at_run_time(tmp_path) -> None:
    """Small sites make the rooms trigger fire; each option of each decision then runs."""
    plan = _plan(
        tmp_path,
        "subjects:\n  transfer_isolation:\n    sites:\n      hotel_a: {rooms: 3}\n"
        "      hotel_b: null\n",
        hours=48,
    )
    scn = load_scenario(FLAGSHIP, [plan])
    decisions = [i for i in scn.injects if i.type == "decision"]
    for k in range(max(len(d.options) for d in decisions)):
        choice = {d.id: d.options[min(k, len(d.options) - 1)].id for d in decisions}
        log = run_drill(scn, facilitator=Scripted(choice)).log
        made = {e.entity: e.details["option"] for e in log.of("decision_made")}
        assert made == choice  # all four decisions came, the rooms one included
        effective = {e.entity for e in log.of("decision_effective")}
        assert effective == set(choice)
        site = log.first("decision_effective", entity="site-90").details
        if (
            scn.injects[[i.id for i in scn.injects].index("site-90")]
            .option(choice["site-90"])
            .overlay
        ):
            assert site["changed"] == ["subjects.transfer_isolation"]
            assert site["not_applied"] == []


def test_subject_reconfigure_hook_gets_the_new_parameters(tmp_path, monkeypatch) -> None:
    import dataclasses

    from sim.subjects.registry import REGISTRY

    calls = []
    declared = REGISTRY["transfer_isolation"]
    monkeypatch.setitem(
        REGISTRY,
        "transfer_isolation",
        dataclasses.replace(declared, reconfigure=lambda w, state, p: calls.append((w.now, p))),
    )
    plan = _plan(
        tmp_path,
        "subjects:\n  transfer_isolation:\n    sites:\n      hotel_a: {rooms: 3}\n"
        "      hotel_b: null\n",
        hours=48,
    )
    scn = load_scenario(FLAGSHIP, [plan])
    log = run_drill(scn, facilitator=Scripted({"site-90": "second_hotel"})).log
    made = log.first("decision_made", entity="site-90")
    [(t, params)] = calls
    assert t == pytest.approx(made.t + 6)
    assert set(params.sites) == {"hotel_a", "hotel_c"} and params.sites["hotel_c"].rooms == 150
    eff = log.first("decision_effective", entity="site-90").details
    assert eff["changed"] == ["subjects.transfer_isolation"] and eff["not_applied"] == []
