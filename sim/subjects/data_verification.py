"""数据核查 data verification: big-data push lists checked by communities and grid workers.

When a case is confirmed outside quarantine, the tracing task force asks for the
big-data push (大数据推送) through its declared handoff to the data-verification
task force.  Lists of people linked to the case arrive in batches (telecom
co-location, itinerary, venue-code scans), each after its own delay and with its
own size.  A list contains the case's true contacts in the settings its source
covers (each with the source's coverage chance) plus people who were merely
nearby.  The task force routes each batch to the communities, whose grid workers
verify every entry against the local register: a share of entries is wrong
(no such resident) and a share unreachable; verified people flow on — to the
tracing task force as risk persons to assess, or straight to health-code
assignment (精准赋码).  Batch events are aggregated; each person's outcome is
logged because those people enter the drill.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import Field, field_validator, model_validator

from sim.scenario.checks import Rel, not_responsible, unknown_agents
from sim.scenario.distributions import Dist
from sim.scenario.schema import Strict, Text
from sim.scenario.settings import check_settings
from sim.subjects.base import Subject

if TYPE_CHECKING:
    from sim.engine.log import Event
    from sim.engine.world import World

NAME = "data_verification"


class Batch(Strict):
    """One push list (推送名单) from one data source."""

    source: Literal["telecom", "itinerary", "venue_code"]
    after_h: Dist = Field(description="hours from the push request to the list's arrival")
    size: Dist = Field(description="entries in the list (true contacts included)")
    covers: dict[str, float] = Field(
        default_factory=dict, description="chance that a true contact in a setting is listed"
    )
    local_share: float = Field(
        default=0.7, ge=0, le=1, description="share of other entries from the case's community"
    )
    route: Literal["tracing", "health_code"] = "tracing"

    @field_validator("covers")
    @classmethod
    def _covers(cls, value: dict[str, float]) -> dict[str, float]:
        check_settings(value, "covers")
        return value


class Params(Strict):
    requested_by: str = Field(description="agent that asks for the push (the tracing team)")
    task_force: str = Field(description="agent that receives and routes the lists")
    verifiers: str = Field(description="agent whose staff verify entries (grid workers)")
    routing_time: Dist = Field(description="hours for the task force to split a list")
    entry_time: Dist = Field(description="hours of one grid worker per entry")
    wrong_share: float = Field(ge=0, le=1, description="entries that match no resident")
    unreachable_share: float = Field(ge=0, le=1, description="entries that cannot be reached")
    batches: list[Batch] = Field(min_length=1)

    @model_validator(mode="after")
    def _shares(self) -> Params:
        if self.wrong_share + self.unreachable_share > 1:
            raise ValueError("wrong_share + unreachable_share must not exceed 1")
        return self


def check(params: Params, scn: Any) -> Iterator[tuple[Rel, str]]:
    refs: list[tuple[Rel, str]] = [
        (("requested_by",), params.requested_by),
        (("task_force",), params.task_force),
        (("verifiers",), params.verifiers),
    ]
    yield from unknown_agents(scn, refs)
    yield from not_responsible(scn, NAME, refs[1:])
    for rel, a, b in (
        (("task_force",), params.requested_by, params.task_force),
        (("verifiers",), params.task_force, params.verifiers),
    ):
        if a in scn.agents and b in scn.agents and scn.handoff(a, b) is None:
            yield rel, f"no handoff declared from '{a}' to '{b}'"


def install(world: World, params: Params) -> set[str]:
    """Subscribe; the state is the set of cases whose push list was requested."""
    seen: set[str] = set()
    world.on("case_confirmed", lambda e: _request(world, params, e, seen))
    return seen


def _outside_quarantine(world: World, case: str) -> bool:
    """A case found by a quarantine test has no community trajectory to push."""
    positive = world.log.first("lab_result_positive", entity=case)
    reason = str(positive.details.get("reason", "")) if positive else ""
    return not reason.startswith("quarantine_day")


def _request(
    world: World, p: Params, confirmed: Event, seen: set[str]
) -> Generator[Any, Any, None]:
    case = confirmed.entity
    if case in seen or not _outside_quarantine(world, case):
        return
    seen.add(case)
    yield from world.handoff(p.requested_by, p.task_force, NAME, case, purpose="data_push")
    for i, batch in enumerate(p.batches):
        world.spawn(_batch(world, p, case, i, batch))


def _batch(world: World, p: Params, case: str, i: int, b: Batch) -> Generator[Any, Any, None]:
    gen = world.streams.gen(f"data_verification/{b.source}")
    yield world.env.timeout(b.after_h.sample(gen))
    batch_id = f"{case}/{b.source}-{i}"
    entries = _compose(world, case, b, gen)
    world.emit(
        "data_push_received",
        NAME,
        p.task_force,
        batch_id,
        case=case,
        source=b.source,
        size=len(entries),
        route=b.route,
    )
    yield from world.agents[p.task_force].work(
        NAME, "route_push_list", batch_id, p.routing_time.sample(gen), size=len(entries)
    )
    yield from world.handoff(p.task_force, p.verifiers, NAME, batch_id, size=len(entries))
    ids = np.asarray([int(x) for x in entries], dtype=np.int64)
    u = world.streams.uniform("data_verification/outcome", ids, slot=i) if ids.size else ids
    jobs = [
        world.spawn(_verify(world, p, b, batch_id, case, person, float(draw)))
        for person, draw in zip(entries, u, strict=True)
    ]
    if jobs:
        yield world.env.all_of(jobs)
    counts = {"verified": 0, "wrong": 0, "unreachable": 0}
    for job in jobs:
        counts[str(job.value)] += 1
    world.emit("push_list_verified", NAME, p.verifiers, batch_id, case=case, **counts)


def _compose(world: World, case: str, b: Batch, gen: np.random.Generator) -> list[str]:
    """The list's entries: covered true contacts of the case, then people nearby."""
    exposed = world.log.of("contact_exposed", source=case)
    ids = np.asarray([int(e.entity) for e in exposed], dtype=np.int64)
    listed: dict[str, None] = {}
    if ids.size:
        u = world.streams.uniform(f"data_verification/cover/{b.source}", ids)
        for e, draw in zip(exposed, u, strict=True):
            if draw < b.covers.get(e.details["setting"], 0.0):
                listed[e.entity] = None
    n = max(round(float(b.size.sample(gen))), len(listed))
    pop = world.population
    local = pop.community_members(int(pop.community[int(case)]))
    while len(listed) < n:
        pool = local if gen.random() < b.local_share else None
        person = int(gen.choice(pool)) if pool is not None else int(gen.integers(pop.size))
        if str(person) != case:
            listed.setdefault(str(person), None)
    return list(listed)


def _verify(
    world: World, p: Params, b: Batch, batch_id: str, case: str, person: str, draw: float
) -> Generator[Any, Any, str]:
    gen = world.streams.gen("data_verification/entry")
    yield from world.agents[p.verifiers].work(
        NAME, "verify_entry", person, p.entry_time.sample(gen), batch=batch_id
    )
    if draw < p.wrong_share:
        outcome = "wrong"
    elif draw < p.wrong_share + p.unreachable_share:
        outcome = "unreachable"
    else:
        outcome = "verified"
    world.emit(
        "push_entry_verified",
        NAME,
        p.verifiers,
        person,
        outcome=outcome,
        batch=batch_id,
        case=case,
        route=b.route,
        source=b.source,
    )
    if outcome == "verified" and b.route == "health_code":
        world.emit("health_code_assigned", NAME, p.task_force, person, code="yellow", case=case)
    return outcome


SUBJECT: Subject[Params] = Subject(
    name=NAME,
    order=1,
    label=Text(zh="数据核查", en="data verification"),
    params=Params,
    install=install,
    check=check,
    events={
        "data_push_received": ("收到大数据推送名单", "push list received"),
        "push_entry_verified": ("推送人员核查", "push entry verified"),
        "push_list_verified": ("推送名单核查完毕", "push list verified"),
        "health_code_assigned": ("精准赋码", "health code assigned"),
    },
    keywords={
        "zh": ("核查", "推送", "名单", "大数据", "排查", "摸排", "登记"),
        "en": ("verify", "push list", "list", "big data", "check the register", "register"),
    },
)
