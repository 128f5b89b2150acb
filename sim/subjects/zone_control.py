"""疫区管控 zone control: sealed, controlled and precaution zones around each case.

When a case is confirmed (or, in an earlier-acting plan, when a positive result
arrives) the order passes from the coordination office to the zone control task
force, which delineates the zones by the rules of the scenario (#37–39): the
case's compound of residence is **sealed**, its surroundings (by default the
rest of its community) **controlled**, and the rest of the county a
**precaution** zone.  Township governments then put the zones in force with
grid workers, police and cadres assigned at the staffing ratios of the
reference (#44); when fewer staff are available than the ratio asks for, sealing
takes proportionally longer.  Zones are index ranges of the population, so
sealing one is a slice assignment on ``population.zone``.

Zones act on transmission only through ``world.transmission_modifiers``: a
sealed zone keeps household contacts only, a controlled zone scales each
setting by ``contact_factor``.  Factors are checked to fall with the level
(precaution ≥ controlled ≥ sealed), so a zone in force earlier can only remove
exposures under common random numbers.  A zone is lifted ``lift_days`` after
the last case confirmed inside it (14 d under the 2021 rules, 7 under the 9th
edition, #37, #42), and the sealed and controlled zones get their test rounds
from the testing subject (``zone_sealed`` → zone cadence).
"""

from __future__ import annotations

import math
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import Field, model_validator

from sim.engine.population import ZONE_CONTROLLED, ZONE_LEVELS, ZONE_PRECAUTION, ZONE_SEALED
from sim.scenario.checks import Rel, missing_handoffs, unknown_agents
from sim.scenario.schema import AgentTask, Strict, Text
from sim.scenario.settings import SETTINGS, check_settings
from sim.subjects.base import Section, Subject, rated_time

if TYPE_CHECKING:
    from sim.engine.log import Event, EventLog
    from sim.engine.world import World
    from sim.scenario.model import Scenario

NAME = "zone_control"
Unit = Literal["household", "compound", "community", "township", "county"]


class Rules(Strict):
    """Which unit around the case becomes each zone (rules as data, #37–39)."""

    sealed: Unit = "compound"
    controlled: Unit = "community"
    precaution: Unit = "county"


def _default_staffing() -> dict[Literal["sealed", "controlled"], float]:
    return {"sealed": 20.0, "controlled": 100.0}


def _default_factors() -> dict[Literal["sealed", "controlled", "precaution"], dict[str, float]]:
    return {
        "sealed": {s: 0.0 for s in SETTINGS if s != "household"},
        "controlled": {"work": 0.3, "venue": 0.2, "transport": 0.2, "community": 0.3},
        "precaution": {"venue": 0.8},
    }


class Staffing(Strict):
    """Residents per zone staff member, and who the staff are (#44, #45)."""

    residents_per_staff: dict[Literal["sealed", "controlled"], float] = Field(
        default_factory=_default_staffing
    )
    grid_workers: bool = Field(default=True, description="the community's grid workers serve")
    reinforcements: list[str] = Field(
        default_factory=list, description="agents whose staff join every zone (police, cadres)"
    )


class Params(Strict):
    trigger: Literal["case_confirmed", "lab_result_positive"] = "case_confirmed"
    ordered_by: str | None = Field(
        default=None, description="agent whose order reaches the delineator by a handoff"
    )
    delineation: AgentTask = Field(description="the task force delineates the zones")
    sealing: AgentTask = Field(
        description="townships put a zone in force; time at full staffing, stretched by shortfall"
    )
    rules: Rules = Field(default_factory=Rules)
    staffing: Staffing = Field(default_factory=Staffing)
    contact_factor: dict[Literal["sealed", "controlled", "precaution"], dict[str, float]] = Field(
        default_factory=_default_factors,
        description="share of each setting's contacts kept in force (missing: 1)",
    )
    lift_days: float = Field(default=14.0, gt=0, description="case-free days before lifting")

    @model_validator(mode="after")
    def _monotone(self) -> Params:
        for level, table in self.contact_factor.items():
            check_settings(table, f"contact_factor.{level}", retired_ok=True)
        for setting in SETTINGS:
            chain = [self.factor(lv, setting) for lv in ("precaution", "controlled", "sealed")]
            if not chain[0] >= chain[1] >= chain[2]:
                raise ValueError(
                    f"contact_factor: '{setting}' must not rise with the zone level "
                    "(precaution ≥ controlled ≥ sealed)"
                )
        return self

    def factor(self, level: str, setting: str) -> float:
        if level == "sealed" and setting == "household":
            return self.contact_factor.get("sealed", {}).get("household", 1.0)
        return self.contact_factor.get(level, {}).get(setting, 1.0)  # type: ignore[call-overload]


def check(params: Params, scn: Any) -> Iterator[tuple[Rel, str]]:
    refs: list[tuple[Rel, str]] = [
        (("delineation", "agent"), params.delineation.agent),
        (("sealing", "agent"), params.sealing.agent),
    ]
    refs += [
        (("staffing", "reinforcements", i), a) for i, a in enumerate(params.staffing.reinforcements)
    ]
    if params.ordered_by is not None:
        refs.append((("ordered_by",), params.ordered_by))
    yield from unknown_agents(scn, refs)
    if params.ordered_by is not None:
        yield from missing_handoffs(
            scn, ("ordered_by",), [params.ordered_by, params.delineation.agent]
        )


@dataclass
class Zone:
    id: str
    level: str
    lo: int
    hi: int
    last_case_t: float
    active: bool = False
    lifted: bool = False


class ZoneControl:
    """The zones of one replication and their effect on transmission."""

    def __init__(self, world: World, params: Params):
        self.world = world
        self.p = params
        self.zones: list[Zone] = []
        self.gen = world.streams.gen("zone_control")
        # factor[setting][zone level code]: one lookup per contact, vectorised
        self.table = {
            s: np.asarray(
                [1.0, *(params.factor(lv, s) for lv in ("precaution", "controlled", "sealed"))]
            )
            for s in SETTINGS
        }
        pop = world.population
        self.grid_workers = np.zeros(len(pop.community_ids), dtype=np.int64)
        for i, cid in enumerate(pop.community_ids):
            town, _, comm = cid.partition("/")
            community = world.scenario.region.townships[town].communities[comm]
            self.grid_workers[i] = community.grid_workers
        self.reinforcement = sum(world.agents[a].spec.staff for a in params.staffing.reinforcements)
        self.precaution_set = False

    def install(self) -> None:
        self.world.on(self.p.trigger, self._on_case)
        self.world.on("case_confirmed", self._note_case)
        self.world.transmission_modifiers.append(self.modifier)

    def modifier(self, persons: np.ndarray, setting: str, t: float) -> np.ndarray:
        """Share of ``setting`` contacts of ``persons`` kept by the zones in force now."""
        return self.table[setting][self.world.population.zone[np.asarray(persons, dtype=np.int64)]]

    # -- zones around a case -----------------------------------------------------
    def unit_range(self, unit: str, person: int) -> tuple[int, int]:
        pop = self.world.population
        if unit == "household":
            members = pop.household_members(person)
            lo = min(person, int(members.min())) if members.size else person
            return lo, lo + members.size + 1
        if unit == "compound":
            return pop.compound_range(int(pop.compound[person]))
        if unit == "community":
            return pop.community_range(int(pop.community[person]))
        if unit == "township":
            return pop.township_range(int(pop.township[person]))
        return 0, pop.size

    def _note_case(self, event: Event) -> None:
        person = int(event.entity)
        for z in self.zones:
            if not z.lifted and z.lo <= person < z.hi:
                z.last_case_t = self.world.now

    def _on_case(self, event: Event) -> Generator[Any, Any, None] | None:
        person = int(event.entity)
        if self._open("sealed", *self.unit_range(self.p.rules.sealed, person)):
            return None
        lo, hi = self.unit_range(self.p.rules.sealed, person)
        sealed = Zone(f"zone-{len(self.zones) + 1}", "sealed", lo, hi, self.world.now)
        self.zones.append(sealed)
        clo, chi = self.unit_range(self.p.rules.controlled, person)
        controlled = None
        if not self._open("controlled", clo, chi):
            controlled = Zone(f"zone-{len(self.zones) + 1}", "controlled", clo, chi, self.world.now)
            self.zones.append(controlled)
        return self._delineate(person, sealed, controlled)

    def _open(self, level: str, lo: int, hi: int) -> bool:
        """Whether a zone of ``level`` over ``[lo, hi)`` is already declared and not lifted."""
        return any(
            z.level == level and not z.lifted and (z.lo, z.hi) == (lo, hi) for z in self.zones
        )

    def _delineate(
        self, person: int, sealed: Zone, controlled: Zone | None
    ) -> Generator[Any, Any, None]:
        w, p = self.world, self.p
        if p.ordered_by is not None:
            yield from w.handoff(p.ordered_by, p.delineation.agent, NAME, sealed.id)
        yield from w.agents[p.delineation.agent].work(
            NAME, "delineation", sealed.id, p.delineation.time.sample(self.gen)
        )
        pop = w.population
        zones = [z for z in (sealed, controlled) if z is not None]
        for z in zones:
            w.emit(
                "zone_delineated",
                NAME,
                p.delineation.agent,
                z.id,
                level=z.level,
                lo=z.lo,
                hi=z.hi,
                residents=z.hi - z.lo,
                case=str(person),
                community=pop.community_ids[int(pop.community[person])],
            )
        if not self.precaution_set:
            self.precaution_set = True
            plo, phi = self.unit_range(p.rules.precaution, person)
            np.maximum(pop.zone[plo:phi], ZONE_PRECAUTION, out=pop.zone[plo:phi])
            w.emit(
                "zone_sealed",
                NAME,
                p.delineation.agent,
                "precaution",
                level="precaution",
                lo=plo,
                hi=phi,
                residents=phi - plo,
                staff_needed=0,
                staff_assigned=0,
            )
        for z in zones:
            w.spawn(self._seal(z, person))

    def staff(self, zone: Zone, person: int) -> tuple[int, int]:
        """Staff the ratio asks for and staff available to ``zone``."""
        ratio = self.p.staffing.residents_per_staff.get(zone.level)  # type: ignore[call-overload]
        needed = math.ceil((zone.hi - zone.lo) / ratio) if ratio else 0
        pop = self.world.population
        span = pop.community[zone.lo : zone.hi]  # sorted: residents lie community by community
        comms = span[np.concatenate([[True], np.diff(span) != 0])]
        grid = int(self.grid_workers[comms].sum()) if self.p.staffing.grid_workers else 0
        if zone.level == "sealed":  # a compound's share of its community's grid workers
            comm_size = sum(np.subtract(*pop.community_range(int(c))[::-1]) for c in comms.tolist())
            grid = max(1, round(grid * (zone.hi - zone.lo) / comm_size)) if grid else 0
        return needed, grid + self.reinforcement

    def _seal(self, zone: Zone, person: int) -> Generator[Any, Any, None]:
        w, p = self.world, self.p
        needed, available = self.staff(zone, person)
        stretch = max(1.0, needed / max(available, 1))
        hours = p.sealing.time.sample(self.gen) * stretch
        yield from w.agents[p.sealing.agent].work(NAME, "sealing", zone.id, hours, level=zone.level)
        code = ZONE_LEVELS[zone.level]
        pop = w.population
        np.maximum(pop.zone[zone.lo : zone.hi], code, out=pop.zone[zone.lo : zone.hi])
        zone.active = True
        w.emit(
            "zone_sealed",
            NAME,
            p.sealing.agent,
            zone.id,
            level=zone.level,
            lo=zone.lo,
            hi=zone.hi,
            residents=zone.hi - zone.lo,
            households=int(np.count_nonzero(np.diff(pop.household[zone.lo : zone.hi]))) + 1,
            staff_needed=needed,
            staff_assigned=min(needed, available),
            staff_available=available,
        )
        yield from self._lift_when_clear(zone)

    def _lift_when_clear(self, zone: Zone) -> Generator[Any, Any, None]:
        w = self.world
        lift_h = self.p.lift_days * 24.0
        while True:
            due = zone.last_case_t + lift_h
            if w.now < due:
                yield w.env.timeout(due - w.now)
                continue
            break
        zone.active = False
        zone.lifted = True
        self._recompute(zone.lo, zone.hi)
        w.emit("zone_lifted", NAME, self.p.sealing.agent, zone.id, level=zone.level)

    def _recompute(self, lo: int, hi: int) -> None:
        """Zone levels of ``[lo, hi)`` from the zones still in force."""
        pop = self.world.population
        pop.zone[lo:hi] = ZONE_PRECAUTION if self.precaution_set else 0
        for z in self.zones:
            if z.active and z.hi > lo and z.lo < hi:
                a, b = max(lo, z.lo), min(hi, z.hi)
                code = ZONE_SEALED if z.level == "sealed" else ZONE_CONTROLLED
                np.maximum(pop.zone[a:b], code, out=pop.zone[a:b])


def install(world: World, params: Params) -> ZoneControl:
    zones = ZoneControl(world, params)
    zones.install()
    return zones


def summarize(scenario: Scenario, log: EventLog) -> dict[str, Any]:
    """Zones from the log: when delineated, in force and lifted; residents; staff.

    The time from the first positive result (the discovery, whichever event the
    plan seals on) to the first sealed zone in force is rated against Beijing's
    24-hour handling rule (lock down risk sites ≤ 24 h, #4).
    """
    zones: dict[str, dict[str, Any]] = {}
    for e in log.among("zone_delineated", "zone_sealed", "zone_lifted"):
        if e.kind == "zone_delineated":
            zones[e.entity] = {
                "id": e.entity,
                "level": e.details["level"],
                "community": e.details["community"],
                "case": e.details["case"],
                "residents": e.details["residents"],
                "delineated_h": round(e.t, 4),
                "sealed_h": None,
                "lifted_h": None,
            }
        elif e.kind == "zone_sealed" and e.entity in zones:
            zones[e.entity].update(
                sealed_h=round(e.t, 4),
                households=e.details["households"],
                staff_needed=e.details["staff_needed"],
                staff_assigned=e.details["staff_assigned"],
                staff_available=e.details["staff_available"],
            )
        elif e.kind == "zone_lifted" and e.entity in zones:
            zones[e.entity]["lifted_h"] = round(e.t, 4)
    found = log.first("lab_result_positive")
    sealed = [z["sealed_h"] for z in zones.values() if z["level"] == "sealed" and z["sealed_h"]]
    to_seal = min(sealed) - found.t if found is not None and sealed else None
    by_level: dict[str, int] = {}
    for z in zones.values():
        if z["sealed_h"] is not None:
            by_level[z["level"]] = by_level.get(z["level"], 0) + z["residents"]
    return {
        "zones": list(zones.values()),
        "residents_covered": by_level,
        "staff_assigned": sum(z.get("staff_assigned", 0) for z in zones.values()),
        "objectives": {"first_seal_24h": rated_time(to_seal, 24.0, scenario.ratings)},
    }


SUBJECT: Subject[Params] = Subject(
    name=NAME,
    order=5,
    label=Text(zh="疫区管控", en="zone control"),
    params=Params,
    install=install,
    check=check,
    summary=Section("zones", "zone_delineated", summarize),
    events={
        "zone_delineated": ("划定风险区域", "zone delineated"),
        "zone_sealed": ("区域管控到位", "zone measures in force"),
        "zone_lifted": ("解除管控", "zone lifted"),
    },
    keywords={
        "zh": ("封控", "管控", "防范", "足不出户", "守门", "值守", "小区"),
        "en": ("seal", "zone", "lockdown", "stay home", "guard", "door"),
    },
)
