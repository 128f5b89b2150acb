"""病例救治 treatment: negative-pressure ambulance to the designated hospital, beds, severity.

When a case is confirmed — or, as at Yuanqu (#13), as soon as the positive is
direct-reported — the order travels along ``order_path`` (lab → CDC → medical
treatment task force) through declared handoffs.  The task force dispatches one
of its negative-pressure ambulances (负压救护车, finite; #51), which drives to the
case, brings them to the designated hospital (定点医院) and is disinfected before
the next patient.  The hospital's staff admit the patient to a bed (beds finite;
≥ 20 for a county under 300,000 people, #53); with no free bed the patient waits
in the ambulance bay.  Severity at admission is drawn from the scenario's shares
(mild / moderate / severe / critical, #50) with a per-person common random
number; a share of patients worsens by one level after a delay; a patient is
discharged after the length of stay and the bed freed.  Admission sets
``world.isolated``.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from itertools import pairwise
from typing import TYPE_CHECKING, Any, Literal

import simpy
from pydantic import Field, NonNegativeInt, PositiveInt, field_validator

from sim.scenario.checks import Rel, missing_handoffs, not_responsible, unknown_agents
from sim.scenario.distributions import Dist
from sim.scenario.schema import Strict, Text
from sim.subjects.base import Subject

if TYPE_CHECKING:
    from sim.engine.log import Event
    from sim.engine.world import World

NAME = "treatment"
LEVELS = ("mild", "moderate", "severe", "critical")


class Progression(Strict):
    """A share of patients worsens by one severity level after ``after_h`` hours."""

    share: float = Field(ge=0, le=1)
    after_h: Dist


class Params(Strict):
    trigger: Literal["case_confirmed", "direct_report"] = Field(
        default="case_confirmed", description="event that starts the case's transfer"
    )
    order_path: list[str] = Field(
        min_length=2, description="agents the order passes through, ending at the team"
    )
    team: str = Field(description="agent that dispatches the ambulances (医疗救治专班)")
    hospital: str = Field(description="the designated hospital (admits patients)")
    ambulances: PositiveInt = Field(le=100_000)
    beds: PositiveInt = Field(le=1_000_000)
    dispatch_time: Dist = Field(description="team hours to dispatch an ambulance")
    to_patient_time: Dist = Field(description="hours from dispatch to the patient's door")
    to_hospital_time: Dist = Field(description="hours from the door to the hospital")
    admission_time: Dist = Field(description="hospital staff hours to admit one patient")
    disinfection_time: Dist = Field(description="hours to disinfect the ambulance (#51)")
    severity: dict[str, float] = Field(description="shares at admission by level (#50)")
    progression: Progression | None = None
    length_of_stay: Dist = Field(description="hours in hospital before discharge")
    reserve_beds: NonNegativeInt = Field(default=0, description="beds kept back (ICU conversion)")

    @field_validator("severity")
    @classmethod
    def _shares(cls, value: dict[str, float]) -> dict[str, float]:
        for level, share in value.items():
            if level not in LEVELS:
                raise ValueError(f"unknown severity '{level}' (one of {', '.join(LEVELS)})")
            if not 0 <= share <= 1:
                raise ValueError(f"share of '{level}' must be within [0, 1]")
        if abs(sum(value.values()) - 1.0) > 1e-6:
            raise ValueError(
                f"severity shares must add up to 1 (they add up to {sum(value.values()):g})"
            )
        return value


def check(params: Params, scn: Any) -> Iterator[tuple[Rel, str]]:
    refs: list[tuple[Rel, str]] = [
        (("team",), params.team),
        (("hospital",), params.hospital),
    ]
    yield from unknown_agents(scn, refs)
    yield from not_responsible(scn, NAME, refs)
    path = [(("order_path", i), a) for i, a in enumerate(params.order_path)]
    yield from unknown_agents(scn, path)
    yield from missing_handoffs(scn, ("order_path",), params.order_path)
    if params.order_path[-1] != params.team:
        yield ("order_path",), "the order path must end at the team"
    if params.reserve_beds >= params.beds:
        yield ("reserve_beds",), "must be fewer than the beds"


class _Treatment:
    def __init__(self, world: World, p: Params):
        self.world, self.p = world, p
        self.ambulances = simpy.Store(world.env)
        for i in range(p.ambulances):
            self.ambulances.put(f"ambulance-{i + 1}")
        self.beds = simpy.Store(world.env)
        for i in range(p.beds - p.reserve_beds):
            self.beds.put(f"bed-{i + 1}")
        self.patients: set[str] = set()
        self.gen = world.streams.gen("treatment")

    def severity(self, person: str) -> str:
        u = self.world.streams.uniform("treatment/severity", int(person))[0]
        acc = 0.0
        for level in LEVELS:
            acc += self.p.severity.get(level, 0.0)
            if u < acc:
                return level
        return max(self.p.severity, key=lambda k: LEVELS.index(k))

    def on_confirmed(self, confirmed: Event) -> Generator[Any, Any, None]:
        person = confirmed.entity
        if person in self.patients:
            return
        self.patients.add(person)
        world, p = self.world, self.p
        for src, dst in pairwise(p.order_path):
            yield from world.handoff(src, dst, NAME, person, purpose="case_transfer")
        yield from world.agents[p.team].work(
            NAME, "ambulance_dispatch", person, p.dispatch_time.sample(self.gen)
        )
        ambulance = yield self.ambulances.get()
        world.emit("ambulance_dispatched", NAME, p.team, person, ambulance=ambulance)
        yield world.env.timeout(p.to_patient_time.sample(self.gen))
        yield world.env.timeout(p.to_hospital_time.sample(self.gen))
        if not self.beds.items:
            world.emit("beds_full", NAME, p.hospital, person, beds=p.beds - p.reserve_beds)
        bed = yield self.beds.get()
        world.spawn(self.disinfect(ambulance))
        yield from world.agents[p.hospital].work(
            NAME, "admission", person, p.admission_time.sample(self.gen)
        )
        level = self.severity(person)
        if int(person) not in world.isolated:
            world.isolated[int(person)] = world.now
            world.emit("isolated", NAME, p.hospital, person, mode="hospital", site=p.hospital)
        world.emit("admitted", NAME, p.hospital, person, severity=level, bed=bed)
        world.spawn(self.stay(person, level, bed))

    def disinfect(self, ambulance: str) -> Generator[Any, Any, None]:
        yield self.world.env.timeout(self.p.disinfection_time.sample(self.gen))
        self.ambulances.put(ambulance)

    def stay(self, person: str, level: str, bed: str) -> Generator[Any, Any, None]:
        world, p = self.world, self.p
        start = world.now
        stay = float(p.length_of_stay.sample(self.gen))
        prog = p.progression
        u = world.streams.uniform("treatment/progression", int(person))[0]
        if prog is not None and u < prog.share and level != LEVELS[-1]:
            worsen = float(prog.after_h.sample(self.gen))
            if worsen < stay:
                yield world.env.timeout(worsen)
                new = LEVELS[LEVELS.index(level) + 1]
                world.emit(
                    "severity_changed", NAME, p.hospital, person, severity=new, previous=level
                )
        yield world.env.timeout(max(start + stay - world.now, 0.0))
        world.emit("discharged", NAME, p.hospital, person, bed=bed)
        self.beds.put(bed)


def install(world: World, params: Params) -> _Treatment:
    t = _Treatment(world, params)
    world.on(params.trigger, t.on_confirmed)
    return t


SUBJECT: Subject[Params] = Subject(
    name=NAME,
    order=7,
    label=Text(zh="病例救治", en="treatment"),
    params=Params,
    install=install,
    check=check,
    events={
        "ambulance_dispatched": ("负压救护车出车", "ambulance dispatched"),
        "beds_full": ("定点医院床位已满", "hospital beds full"),
        "admitted": ("定点医院收治", "admitted to the designated hospital"),
        "severity_changed": ("病情变化", "severity changed"),
        "discharged": ("出院", "discharged"),
    },
    keywords={
        "zh": ("救治", "定点医院", "负压", "救护车", "发热门诊"),
        "en": ("treat", "hospital", "ambulance", "negative-pressure", "fever clinic"),
    },
)
