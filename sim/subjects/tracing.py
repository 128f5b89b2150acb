"""流调溯源 tracing: investigators interview each confirmed case and name its contacts.

Core information (核心信息) comes first and already names the contacts a case
remembers easily (household, most of work); the full trajectory (完整轨迹) follows
and finds more of the rest.  The chance to find a contact depends on its setting;
contacts never found stay in the community.  Each contact's fate is a
per-person common random number, so a faster interview never loses a contact
that a slower one would have found.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import Field, field_validator

from sim.epidemic.contacts import SETTINGS
from sim.scenario.distributions import Dist
from sim.scenario.schema import Strict
from sim.subjects.common import Rel, unknown_agents

if TYPE_CHECKING:
    from sim.engine.log import Event
    from sim.engine.world import World

SUBJECT = "tracing"


class Params(Strict):
    investigators: str = Field(description="agent whose staff interview cases (流调队员)")
    core_interview: Dist = Field(description="hours to obtain core information")
    full_trajectory: Dist = Field(description="further hours to complete the trajectory")
    find_core: dict[str, float] = Field(
        description="share of contacts found at core stage, by setting"
    )
    find_full: dict[str, float] = Field(description="share found by the end, by setting")

    @field_validator("find_core", "find_full")
    @classmethod
    def _shares(cls, value: dict[str, float]) -> dict[str, float]:
        for setting, share in value.items():
            if setting not in SETTINGS:
                raise ValueError(f"unknown setting '{setting}' (one of {', '.join(SETTINGS)})")
            if not 0 <= share <= 1:
                raise ValueError(f"share for '{setting}' must be within [0, 1]")
        return value


def check(params: Params, scn: Any) -> Iterator[tuple[Rel, str]]:
    yield from unknown_agents(scn, [(("investigators",), params.investigators)])
    for setting, core in params.find_core.items():
        if core > params.find_full.get(setting, 0.0):
            yield ("find_core", setting), "cannot exceed the share found by the full trajectory"


def install(world: World, params: Params) -> None:
    world.on("case_confirmed", lambda e: _investigate(world, params, e))


def _investigate(world: World, p: Params, confirmed: Event) -> Generator[Any, Any, None]:
    case = confirmed.entity
    gen = world.streams.gen("tracing")
    team = world.agents[p.investigators]
    world.emit("interview_start", SUBJECT, p.investigators, case)
    yield from team.work(SUBJECT, "core_interview", case, p.core_interview.sample(gen))
    world.emit("core_info", SUBJECT, p.investigators, case)
    found: set[str] = set()
    _identify(world, p, case, p.find_core, found, stage="core")
    yield from team.work(SUBJECT, "full_trajectory", case, p.full_trajectory.sample(gen))
    world.emit("full_trajectory", SUBJECT, p.investigators, case)
    _identify(world, p, case, p.find_full, found, stage="full")


def _identify(
    world: World, p: Params, case: str, share: dict[str, float], found: set[str], stage: str
) -> None:
    exposed = [e for e in world.log.of("contact_exposed", source=case) if e.entity not in found]
    if not exposed:
        return
    u = world.streams.uniform("tracing/find", np.asarray([int(e.entity) for e in exposed]))
    for e, draw in zip(exposed, u, strict=True):
        if draw < share.get(e.details["setting"], 0.0):
            found.add(e.entity)
            world.emit(
                "contact_identified",
                SUBJECT,
                p.investigators,
                e.entity,
                source=case,
                setting=e.details["setting"],
                stage=stage,
                role="close_contact",
            )
