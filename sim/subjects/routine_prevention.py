"""常态化防控 routine prevention: the everyday measures, as plan-switchable policies.

Each policy has explicit effects that other parts of the model read (#65–66):

* **masks** scale transmission per contact setting (``mask_factor``);
* **vaccination** lowers each vaccinated resident's chance of infection
  (``vaccine_efficacy``; who is vaccinated is a per-resident common random
  number below ``vaccination_coverage``);
* **venue-code scanning** sets ``world.policy.venue_code_share``, the share
  of venue contacts that tracing can find from scan records (0 when off);
* **fever clinics** and **temperature checks** at venues set
  ``world.policy.care_seeking_factor``, a multiplier (≤ 1) on the delay from
  symptom onset to detection that the epidemic's care-seeking delay reads;
* **routine testing of key occupations** (staff in contact with inbound people,
  goods or environments, every ``interval_days`` in pools of
  ``pool_size``) is ordered as a ``routine_screening`` event that the testing
  subject runs as a bulk pooled round.

Masks and vaccination act only through ``world.transmission_modifiers`` and
only ever multiply by factors ≤ 1.  ``policy_in_force`` records the policies at
the start, so a run's log says which regime it simulated.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import Field, model_validator

from sim.engine.world import Policy
from sim.scenario.checks import Rel, unknown_agents
from sim.scenario.schema import Strict, Text
from sim.scenario.settings import SETTINGS, check_settings
from sim.subjects.base import Section, Subject

if TYPE_CHECKING:
    from sim.engine.log import EventLog
    from sim.engine.world import World
    from sim.scenario.model import Scenario

NAME = "routine_prevention"
"""Stream of the per-resident draw that decides who works in a key occupation."""


class KeyOccupations(Strict):
    """Routine testing of at-risk occupations (#66)."""

    agent: str = Field(description="agent that organises the routine screening")
    share: float = Field(default=0.02, ge=0, le=1, description="residents in key occupations")
    interval_days: float = Field(default=2.0, gt=0, description="every 2 days (Yan'an, #66)")
    pool_size: int = Field(
        default=20, ge=1, le=1_000, description="20-in-1 routine pools (Puxian, #64)"
    )
    first_h: float = Field(default=24.0, ge=0)

    @model_validator(mode="after")
    def _pool(self) -> KeyOccupations:
        if self.pool_size not in (1, 5, 10, 20):
            raise ValueError("pool_size must be 1, 5, 10 or 20 (#59)")
        return self


class Params(Strict):
    masks: bool = True
    mask_factor: dict[str, float] = Field(
        default_factory=lambda: {"work": 0.7, "venue": 0.6, "transport": 0.5, "community": 0.8},
        description="share of transmission kept per setting when masks are worn",
    )
    venue_code: bool = True
    venue_code_share: float = Field(default=0.8, ge=0, le=1)
    temperature_checks: bool = True
    temperature_care_factor: float = Field(default=0.9, gt=0, le=1)
    fever_clinics: bool = True
    fever_clinic_care_factor: float = Field(default=0.7, gt=0, le=1)
    vaccination_coverage: float = Field(default=0.0, ge=0, le=1)
    vaccine_efficacy: float = Field(default=0.0, ge=0, le=1, description="against infection")
    key_occupations: KeyOccupations | None = None

    @model_validator(mode="after")
    def _factors(self) -> Params:
        check_settings(self.mask_factor, "mask_factor", retired_ok=True)
        return self

    def policy(self) -> dict[str, Any]:
        """The policies in force, as logged by ``policy_in_force``."""
        care = 1.0
        if self.temperature_checks:
            care *= self.temperature_care_factor
        if self.fever_clinics:
            care *= self.fever_clinic_care_factor
        return {
            "masks": self.masks,
            "venue_code_share": self.venue_code_share if self.venue_code else 0.0,
            "care_seeking_factor": round(care, 6),
            "vaccination_coverage": self.vaccination_coverage,
            "key_occupation_share": self.key_occupations.share if self.key_occupations else 0.0,
        }


def check(params: Params, scn: Any) -> Iterator[tuple[Rel, str]]:
    if params.key_occupations is not None:
        yield from unknown_agents(
            scn, [(("key_occupations", "agent"), params.key_occupations.agent)]
        )


def install(world: World, params: Params) -> None:
    policy = params.policy()
    world.policy = Policy(
        venue_code_share=policy["venue_code_share"],
        care_seeking_factor=policy["care_seeking_factor"],
    )
    world.emit("policy_in_force", NAME, "", "county", **policy)
    table = {s: (params.mask_factor.get(s, 1.0) if params.masks else 1.0) for s in SETTINGS}
    vaccinated: np.ndarray | None = None
    if params.vaccination_coverage > 0 and params.vaccine_efficacy > 0:
        pop = world.population
        u = world.streams.uniform("routine/vaccinated", np.arange(pop.size, dtype=np.int64))
        vaccinated = u < params.vaccination_coverage

    def modifier(persons: np.ndarray, setting: str, t: float) -> np.ndarray:
        factor = np.full(np.shape(persons), table.get(setting, 1.0), dtype=float)
        if vaccinated is not None:
            hit = vaccinated[np.asarray(persons, dtype=np.int64)]
            factor = np.where(hit, factor * (1.0 - params.vaccine_efficacy), factor)
        return factor

    world.transmission_modifiers.append(modifier)
    if params.key_occupations is not None:
        world.spawn(_screening(world, params.key_occupations))


def _screening(world: World, k: KeyOccupations) -> Generator[Any, Any, None]:
    """Order a routine screening of the key occupations every ``interval_days``."""
    yield world.env.timeout(k.first_h)
    n = 0
    persons = int(world.population.key_occupations(k.share, world.streams).size)
    while True:
        n += 1
        world.emit(
            "routine_screening",
            NAME,
            k.agent,
            f"routine-{n}",
            share=k.share,
            persons=persons,
            pool_size=k.pool_size,
        )
        yield world.env.timeout(k.interval_days * 24.0)


def summarize(scenario: Scenario, log: EventLog) -> dict[str, Any]:
    """Routine policies in force and the key-group screening they ran."""
    policy = log.first("policy_in_force")
    screens = log.of("routine_screening")
    return {
        "policy": dict(policy.details) if policy is not None else {},
        "screening_rounds": len(screens),
        "screened": sum(e.details.get("persons", 0) for e in screens),
    }


SUBJECT: Subject[Params] = Subject(
    name=NAME,
    order=9,
    label=Text(zh="常态化防控", en="routine prevention"),
    params=Params,
    install=install,
    check=check,
    summary=Section("routine_prevention", "policy_in_force", summarize),
    events={
        "policy_in_force": ("常态化防控措施生效", "routine policy in force"),
        "routine_screening": ("重点人群例行检测", "routine key-group testing"),
    },
    keywords={
        "zh": ("口罩", "测温", "场所码", "扫码", "疫苗", "消杀"),
        "en": ("mask", "temperature", "venue code", "scan", "vaccin", "disinfect"),
    },
)
