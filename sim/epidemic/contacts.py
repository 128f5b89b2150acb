"""Who the returnee meets, and whom that infects, until the returnee is isolated.

A first, deliberately small transmission layer: the index case's true contacts
by setting (household members from the population, others drawn from the same
community or the whole county), spread over the days after arrival; each is
infected with the setting's attack rate.  Contacts that would happen after the
returnee is isolated (the positive result is known) never happen, so a faster
test-and-report chain exposes fewer people.  Each contact's fate uses
per-person common random numbers.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import Field, model_validator

from sim.scenario.distributions import Dist
from sim.scenario.schema import Strict

if TYPE_CHECKING:
    from sim.engine.log import Event
    from sim.engine.world import World

SETTINGS = ("household", "work", "venue", "transport", "community")
SUBJECT = "epidemic"


class EpidemicParams(Strict):
    """Parameters of the index case's contacts and infections."""

    index_exposure_h: float = Field(
        default=-96.0, le=0, description="when the returnee was infected, hours before the start"
    )
    contacts: dict[str, Dist] = Field(
        default_factory=dict, description="number of contacts per setting (household: all members)"
    )
    attack_rate: dict[str, float] = Field(default_factory=dict)
    contact_window_h: float = Field(default=72.0, gt=0)

    @model_validator(mode="after")
    def _settings(self) -> EpidemicParams:
        for name in (*self.contacts, *self.attack_rate):
            if name not in SETTINGS:
                raise ValueError(f"unknown setting '{name}' (one of {', '.join(SETTINGS)})")
        for name, rate in self.attack_rate.items():
            if not 0 <= rate <= 1:
                raise ValueError(f"attack_rate.{name} must be within [0, 1]")
        return self


def install(world: World, params: EpidemicParams) -> None:
    world.on("returnee_arrival", lambda e: _index_case(world, params, e))


def _index_case(world: World, p: EpidemicParams, arrival: Event) -> Generator[Any, Any, None]:
    case = int(arrival.entity)
    world.infected[case] = p.index_exposure_h
    world.emit("infection", SUBJECT, "", case, setting="imported", exposure_h=p.index_exposure_h)
    pop = world.population
    gen = world.streams.gen("epidemic/contacts")
    people: list[int] = []
    settings: list[str] = []
    times: list[float] = []
    household = pop.household_members(case)
    people += household.tolist()
    settings += ["household"] * household.size
    times += [world.now] * household.size
    community = pop.community_members(int(pop.community[case]))
    for setting, dist in p.contacts.items():
        if setting == "household":
            continue
        n = round(dist.sample(gen))
        pool = community if setting in ("venue", "community") else np.arange(pop.size)
        chosen = gen.choice(pool, size=min(n, pool.size), replace=False)
        people += chosen.tolist()
        settings += [setting] * len(chosen)
        times += (world.now + gen.random(len(chosen)) * p.contact_window_h).tolist()
    order = np.argsort(np.asarray(times), kind="stable")
    ids = np.asarray(people, dtype=np.int64)
    u = world.streams.uniform("epidemic/infect", ids) if ids.size else np.empty(0)
    seen: set[int] = {case}
    for i in order:
        wait = times[i] - world.now
        if wait > 0:
            yield world.env.timeout(wait)
        if case in world.isolated or int(ids[i]) in seen:
            continue
        person = int(ids[i])
        seen.add(person)
        setting = settings[i]
        world.emit("contact_exposed", SUBJECT, "", person, source=str(case), setting=setting)
        if u[i] < p.attack_rate.get(setting, 0.0) and person not in world.infected:
            world.infected[person] = world.now
            world.emit("infection", SUBJECT, "", person, source=str(case), setting=setting)
