"""流调溯源 tracing: investigators interview each confirmed case and name its contacts.

Core information (核心信息) comes first and already names the contacts a case
remembers easily (household, most of work); the full trajectory (完整轨迹) follows
and finds more of the rest.  The chance to find a contact depends on its setting;
venue-code scans (场所码) raise the venue chance: a contact who scanned is found
by the full trajectory.  The share who scanned is the routine-prevention policy
``world.policy.venue_code_share`` (0 when venue codes are off) whenever
routine prevention is in force, so one knob decides it; ``venue_code_scan`` is
the fallback for scenarios without routine prevention.  Contacts never found
stay in the community.  Each contact's fate is a per-person common random
number, so a faster interview never loses a contact that a slower one would
have found.

For every close contact the team then searches for secondary contacts (次密接):
household members first, then people of the contact's community, on average
``secondary.ratio`` per close contact (Xi'an: ≈2.2, #16).  People that data
verification passes on as risk persons are assessed one by one: a true contact
is recognised; others are judged close contacts with ``assess.judged_close``
(spatio-temporal companions) or get a yellow health code.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import Field, field_validator

from sim.engine.agents import URGENT
from sim.scenario.checks import Rel, not_responsible, unknown_agents
from sim.scenario.distributions import Dist
from sim.scenario.schema import Strict, Text
from sim.scenario.settings import check_settings
from sim.subjects.base import Subject

if TYPE_CHECKING:
    from sim.engine.log import Event
    from sim.engine.world import World

NAME = "tracing"


class Secondary(Strict):
    """Identification of secondary contacts (密接的密接)."""

    ratio: float = Field(ge=0, description="mean secondary contacts per close contact (#16)")
    search_time: Dist = Field(description="investigator hours per close contact")


class Assess(Strict):
    """Assessment of risk persons passed on by data verification."""

    time: Dist = Field(description="investigator hours per risk person")
    judged_close: float = Field(
        ge=0, le=1, description="share of non-contacts judged close contacts (companions)"
    )


class Params(Strict):
    investigators: str = Field(description="agent whose staff interview cases (流调队员)")
    core_interview: Dist = Field(description="hours to obtain core information")
    full_trajectory: Dist = Field(description="further hours to complete the trajectory")
    find_core: dict[str, float] = Field(
        description="share of contacts found at core stage, by setting"
    )
    find_full: dict[str, float] = Field(description="share found by the end, by setting")
    venue_code_scan: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="share of venue contacts who scanned the venue code; used only when "
        "routine prevention sets no world.policy.venue_code_share",
    )
    secondary: Secondary | None = None
    assess: Assess | None = None

    @field_validator("find_core", "find_full")
    @classmethod
    def _shares(cls, value: dict[str, float]) -> dict[str, float]:
        check_settings(value, "find rates")
        return value


def check(params: Params, scn: Any) -> Iterator[tuple[Rel, str]]:
    refs: list[tuple[Rel, str]] = [(("investigators",), params.investigators)]
    yield from unknown_agents(scn, refs)
    yield from not_responsible(scn, NAME, refs)
    for setting, core in params.find_core.items():
        if core > params.find_full.get(setting, 0.0):
            yield ("find_core", setting), "cannot exceed the share found by the full trajectory"


class _Tracing:
    """One replication's tracing state: who has been identified, who was exposed to whom."""

    def __init__(self, world: World, p: Params):
        self.world, self.p = world, p
        self.identified: set[str] = set()
        self.cases: set[str] = set()
        self.exposed: dict[str, Event] = {}
        self.by_source: dict[str, list[Event]] = {}
        self.team = world.agents[p.investigators]

    def on_exposed(self, e: Event) -> None:
        self.exposed.setdefault(e.entity, e)
        self.by_source.setdefault(str(e.details.get("source", "")), []).append(e)

    def venue_scan(self) -> float:
        """Share of venue contacts who scanned: the routine-prevention policy if in force."""
        share = self.world.policy.venue_code_share
        return float(self.p.venue_code_scan if share is None else share)

    def share(self, stage: str, setting: str) -> float:
        base = (self.p.find_core if stage == "core" else self.p.find_full).get(setting, 0.0)
        if setting == "venue" and stage == "full":
            return 1.0 - (1.0 - base) * (1.0 - self.venue_scan())
        return base

    def identify(self, person: str, source: str, setting: str, stage: str, role: str) -> bool:
        if person in self.identified:
            return False
        self.identified.add(person)
        self.world.emit(
            "contact_identified",
            NAME,
            self.p.investigators,
            person,
            source=source,
            setting=setting,
            stage=stage,
            role=role,
        )
        if role == "close_contact" and self.p.secondary is not None:
            self.world.spawn(self.secondaries(person))
        return True

    def investigate(self, confirmed: Event) -> Generator[Any, Any, None]:
        case = confirmed.entity
        if case in self.cases:
            return
        self.cases.add(case)
        self.identified.add(case)  # a case is never its own contact
        gen = self.world.streams.gen("tracing")
        p = self.p
        self.world.emit("interview_start", NAME, p.investigators, case)
        # a confirmed case goes ahead of the queued searches for secondary contacts
        yield from self.team.work(
            NAME, "core_interview", case, p.core_interview.sample(gen), priority=URGENT
        )
        self.world.emit("core_info", NAME, p.investigators, case)
        self.find(case, "core")
        yield from self.team.work(
            NAME, "full_trajectory", case, p.full_trajectory.sample(gen), priority=URGENT
        )
        self.world.emit("full_trajectory", NAME, p.investigators, case)
        self.find(case, "full")

    def find(self, case: str, stage: str) -> None:
        exposed = [e for e in self.by_source.get(case, []) if e.entity not in self.identified]
        if not exposed:
            return
        ids = np.asarray([int(e.entity) for e in exposed])
        u = self.world.streams.uniform("tracing/find", ids)
        for e, draw in zip(exposed, u, strict=True):
            if draw < self.share(stage, e.details["setting"]):
                self.identify(e.entity, case, e.details["setting"], stage, "close_contact")

    def secondaries(self, contact: str) -> Generator[Any, Any, None]:
        sec = self.p.secondary
        assert sec is not None
        world = self.world
        gen = world.streams.gen("tracing/secondary")
        yield from self.team.work(NAME, "secondary_search", contact, sec.search_time.sample(gen))
        u = world.streams.uniform("tracing/secondary_n", int(contact))[0]
        n = poisson_quantile(float(u), sec.ratio) if sec.ratio > 0 else 0
        pop = world.population
        c = int(contact)
        found = [int(x) for x in pop.household_members(c)][:n]
        local = pop.community_members(int(pop.community[c]))
        tries = 0
        while len(found) < n and tries < 10 * n + 10:
            tries += 1
            person = int(local[int(gen.integers(local.size))])
            if person != c and person not in found:
                found.append(person)
        for person in found:
            setting = "household" if pop.household[person] == pop.household[c] else "community"
            self.identify(str(person), contact, setting, "secondary", "secondary_contact")

    def assess_risk_person(self, e: Event) -> Generator[Any, Any, None]:
        a = self.p.assess
        person = e.entity
        if a is None or person in self.identified:
            return
        if e.details.get("outcome") != "verified" or e.details.get("route") != "tracing":
            return
        gen = self.world.streams.gen("tracing/assess")
        yield from self.team.work(NAME, "assess_risk_person", person, a.time.sample(gen))
        if person in self.identified:
            return
        exposure = self.exposed.get(person)
        if exposure is not None:
            source, setting = exposure.details["source"], exposure.details["setting"]
            self.identify(person, source, setting, "data_push", "close_contact")
            return
        u = self.world.streams.uniform("tracing/judged_close", int(person))[0]
        if u < a.judged_close:
            case = str(e.details.get("case", ""))
            self.identify(person, case, "data_push", "data_push", "close_contact")
        else:
            self.world.emit(
                "health_code_assigned",
                NAME,
                self.p.investigators,
                person,
                code="yellow",
                case=str(e.details.get("case", "")),
            )


def poisson_quantile(u: float, mu: float) -> int:
    """``int(scipy.stats.poisson.ppf(u, mu))`` for ``0 < u < 1`` and ``mu > 0``.

    The same two special functions as scipy's ``poisson._ppf``, without the
    distribution's argument machinery (~50 µs a call, once per secondary search).
    """
    from scipy import special  # deferred: scipy slows every CLI start-up

    k = math.ceil(special.pdtrik(u, mu))
    below = max(k - 1, 0)
    return below if special.pdtr(below, mu) >= u else k


def install(world: World, params: Params) -> _Tracing:
    t = _Tracing(world, params)
    world.on("contact_exposed", t.on_exposed)
    world.on("case_confirmed", t.investigate)
    world.on("push_entry_verified", t.assess_risk_person)
    return t


SUBJECT: Subject[Params] = Subject(
    name=NAME,
    order=3,
    label=Text(zh="流调溯源", en="tracing"),
    params=Params,
    install=install,
    check=check,
    events={
        "interview_start": ("开始流调", "interview started"),
        "core_info": ("核心信息查清", "core information obtained"),
        "full_trajectory": ("完整轨迹查清", "full trajectory reported"),
        "contact_identified": ("密接判定", "contact identified"),
    },
    keywords={
        "zh": ("流调", "密接", "轨迹", "溯源", "次密接"),
        "en": ("trace", "tracing", "contact", "trajectory", "interview"),
    },
)
