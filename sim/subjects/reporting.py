"""信息报告 information reporting: from a positive result up the chain and to the public.

The laboratory files the network direct report (网络直报), the CDC verifies and
confirms the case, the report climbs the county chain (coordination office →
leading group) through declared handoffs, the leading group activates the
command, escalates to city and province, and the publicity task force releases
authoritative information and holds the press conference.  Every step is work
of a staffed agent, so a report arriving at night waits for whoever is on duty.

Every positive gets its own direct report, verification and ``case_confirmed``;
the command is activated once, by the first case, and later case reports reach
it as ``report_received``.  Each later case gets a public release; the press
conference is held once, for the outbreak.  From activation on, the
coordination office compiles a daily report (日报告) at a fixed clock hour —
a zero report (零报告) on days without new cases — counting from the log.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from pydantic import Field

from sim.engine.agents import URGENT
from sim.scenario.checks import Rel, missing_handoffs, not_responsible, unknown_agents
from sim.scenario.distributions import Dist
from sim.scenario.schema import AgentTask, Strict, Text
from sim.subjects.base import Subject

if TYPE_CHECKING:
    from sim.engine.log import Event
    from sim.engine.world import World

NAME = "reporting"


class PressConference(Strict):
    agent: str
    prep_time: Dist
    earliest_hour: float = Field(default=9.0, ge=0, lt=24, description="clock hour of the day")
    latest_hour: float = Field(default=21.0, gt=0, le=24, description="no conference after this")


class DailyReport(Strict):
    """The coordination office's daily report (日报告、零报告, #3)."""

    agent: str
    time: Dist = Field(description="hours to compile the report")
    hour: float = Field(default=20.0, ge=0, lt=24, description="clock hour it is due")


class Params(Strict):
    direct_report: AgentTask = Field(description="network direct report by the lab or hospital")
    verification: AgentTask = Field(description="CDC verification and case confirmation")
    chain: list[str] = Field(min_length=1, description="county chain from the CDC to the command")
    activation: AgentTask = Field(description="the leading group activates the command")
    upward: list[str] = Field(default_factory=list, description="city, then province")
    release: AgentTask = Field(description="authoritative public information release")
    press_conference: PressConference
    daily_report: DailyReport | None = None


def check(params: Params, scn: Any) -> Iterator[tuple[Rel, str]]:
    refs: list[tuple[Rel, str]] = [
        (("direct_report", "agent"), params.direct_report.agent),
        (("verification", "agent"), params.verification.agent),
        (("activation", "agent"), params.activation.agent),
        (("release", "agent"), params.release.agent),
        (("press_conference", "agent"), params.press_conference.agent),
    ]
    refs += [(("chain", i), a) for i, a in enumerate(params.chain)]
    refs += [(("upward", i), a) for i, a in enumerate(params.upward)]
    if params.daily_report is not None:
        refs.append((("daily_report", "agent"), params.daily_report.agent))
    yield from unknown_agents(scn, refs)
    yield from not_responsible(scn, NAME, [r for r in refs if r[0][0] != "upward"])
    yield from missing_handoffs(scn, ("chain",), [params.direct_report.agent, *params.chain])
    yield from missing_handoffs(scn, ("upward",), [params.chain[-1], *params.upward])
    if params.chain[0] != params.verification.agent:
        yield ("chain", 0), "the chain must start at the verifying agent"
    if params.chain[-1] != params.activation.agent:
        yield ("chain",), "the chain must end at the activating agent"
    if scn.handoff(params.activation.agent, params.release.agent) is None:
        yield (
            ("release", "agent"),
            (f"no handoff declared from '{params.activation.agent}' to '{params.release.agent}'"),
        )


@dataclass
class _State:
    """Whether the command is activated, and the cases already reported."""

    activated: bool = False
    reported: set[str] = field(default_factory=set)


def install(world: World, params: Params) -> _State:
    state = _State()
    world.on("lab_result_positive", lambda e: _report(world, params, e, state))
    return state


def _daily(world: World, p: Params, d: DailyReport) -> Generator[Any, Any, None]:
    """Compile a daily report every day at ``d.hour`` from activation to the end."""
    gen = world.streams.gen("reporting/daily")
    day = 0
    last = float("-inf")
    while True:
        clock = (world.start_hour + world.now) % 24
        wait = (d.hour - clock) % 24 or 24.0
        yield world.env.timeout(wait)
        day += 1
        entity = f"day-{day}"
        yield from world.agents[d.agent].work(NAME, "daily_report", entity, d.time.sample(gen))
        counts = _counts(world, last)
        last = world.now
        world.emit("daily_report", NAME, d.agent, entity, zero=counts["new_cases"] == 0, **counts)


def _counts(world: World, since: float) -> dict[str, int]:
    """Cumulative figures and new cases since ``since``, read from the log."""
    confirmed = {e.entity: e.t for e in world.log.of("case_confirmed")}
    return {
        "cases": len(confirmed),
        "new_cases": sum(1 for t in confirmed.values() if t > since),
        "contacts_identified": len({e.entity for e in world.log.of("contact_identified")}),
        "isolated": len({e.entity for e in world.log.of("isolated")}),
        "in_hospital": len(world.log.of("admitted")) - len(world.log.of("discharged")),
    }


def _report(world: World, p: Params, positive: Event, state: _State) -> Generator[Any, Any, None]:
    case = positive.entity
    if case in state.reported:
        return  # a repeat positive of a reported case is not a new case
    state.reported.add(case)
    gen = world.streams.gen("reporting")
    lab = p.direct_report.agent
    yield from world.agents[lab].work(
        NAME, "direct_report", case, p.direct_report.time.sample(gen), priority=URGENT
    )
    world.emit("direct_report", NAME, lab, case)
    chain = [lab, *p.chain]
    yield from world.handoff(lab, chain[1], NAME, case)
    cdc = p.verification.agent
    yield from world.agents[cdc].work(
        NAME, "verification", case, p.verification.time.sample(gen), priority=URGENT
    )
    world.emit("report_verified", NAME, cdc, case)
    world.emit("case_confirmed", NAME, cdc, case)
    for src, dst in pairwise(chain[1:]):
        yield from world.handoff(src, dst, NAME, case)
        world.emit("report_received", NAME, dst, case, source=src)
    cmd = p.activation.agent
    first = not state.activated
    state.activated = True
    if first:
        yield from world.agents[cmd].work(NAME, "activation", case, p.activation.time.sample(gen))
        world.emit("command_activated", NAME, cmd, case)
        if p.daily_report is not None:
            world.spawn(_daily(world, p, p.daily_report))
    world.spawn(_escalate(world, [cmd, *p.upward], case))
    world.spawn(_publish(world, p, cmd, case, press=first))


def _escalate(world: World, chain: list[str], case: str) -> Generator[Any, Any, None]:
    for level, (src, dst) in enumerate(pairwise(chain), start=1):
        yield from world.handoff(src, dst, NAME, case)
        world.emit("report_escalated", NAME, dst, case, source=src, level=level)


def _publish(
    world: World, p: Params, cmd: str, case: str, press: bool
) -> Generator[Any, Any, None]:
    gen = world.streams.gen("reporting/publicity")
    yield from world.handoff(cmd, p.release.agent, NAME, case)
    yield from world.agents[p.release.agent].work(
        NAME, "information_release", case, p.release.time.sample(gen)
    )
    world.emit("public_release", NAME, p.release.agent, case)
    if not press:
        return
    pc = p.press_conference
    yield from world.agents[pc.agent].work(
        NAME, "press_preparation", case, pc.prep_time.sample(gen)
    )
    clock = (world.start_hour + world.now) % 24
    if clock < pc.earliest_hour:
        yield world.env.timeout(pc.earliest_hour - clock)
    elif clock >= pc.latest_hour:
        yield world.env.timeout(24 - clock + pc.earliest_hour)
    world.emit("press_conference", NAME, pc.agent, case)


SUBJECT: Subject[Params] = Subject(
    name=NAME,
    order=2,
    label=Text(zh="信息报告", en="information reporting"),
    params=Params,
    install=install,
    check=check,
    events={
        "direct_report": ("网络直报", "network direct report"),
        "report_verified": ("疾控审核确认", "report verified by CDC"),
        "case_confirmed": ("病例确认", "case confirmed"),
        "report_received": ("收到报告", "report received"),
        "command_activated": ("指挥部启动", "command activated"),
        "report_escalated": ("向上级报告", "reported to higher level"),
        "public_release": ("发布权威信息", "public information released"),
        "press_conference": ("新闻发布会", "press conference held"),
        "daily_report": ("日报告", "daily report"),
    },
    keywords={
        "zh": ("报告", "直报", "上报", "发布", "通报", "信息"),
        "en": ("report", "notify", "release", "inform", "escalate"),
    },
)
