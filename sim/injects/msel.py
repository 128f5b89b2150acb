"""The MSEL at run time: deliver injects, pause for the room, apply what it decides.

:func:`install` puts every inject of the scenario on the World: timed ones as
processes, triggered ones as watchers of the event log (a trigger is evaluated
each time an event of its kind is appended).  At delivery the inject is logged,
its effects change the world, and the **facilitator** is asked for the room's
response.  Scripted drills (``drill run``), replayed answer files and the live
console are all facilitators of the same protocol, so they run the same code
and a replay equals the run it replays.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from sim.engine.log import event_field
from sim.injects.keywords import verdict
from sim.language.overlay import overlaid
from sim.scenario.checks import community_ids
from sim.scenario.injects import (
    ROOMS_OCCUPIED,
    Effect,
    HandoffDelayEffect,
    Inject,
    MachinesEffect,
    Option,
    RevealContactsEffect,
    RumourEffect,
    SeedCaseEffect,
    StaffEffect,
    TestRequestEffect,
)
from sim.subjects.registry import REGISTRY

if TYPE_CHECKING:
    from sim.engine.log import Event
    from sim.engine.world import World
    from sim.scenario.model import Scenario


@dataclass
class Response:
    """What the room said at one pause: a choice (decisions), an answer, ad-hoc Q&A."""

    choice: str | None = None
    answer: str = ""
    ad_hoc: list[tuple[str, str]] = field(default_factory=list)


class Facilitator(Protocol):
    """Whoever answers for the room when an inject is delivered."""

    def pause(self, world: World, inject: Inject, called: str | None) -> Response:
        """The room's response to ``inject``; ``called`` is the phoned agent of a spot-check."""
        ...


class Scripted:
    """A facilitator reading recorded answers (none for ``drill run``).

    Decisions not answered fall back, in :class:`Msel`, to the plan's scripted
    choice and then to the inject's default option.
    """

    def __init__(
        self,
        answers: dict[str, str] | None = None,
        ad_hoc: dict[str, list[tuple[str, str]]] | None = None,
    ):
        self.answers = dict(answers or {})
        self.ad_hoc = dict(ad_hoc or {})

    def pause(self, world: World, inject: Inject, called: str | None) -> Response:
        text = self.answers.get(inject.id)
        return Response(
            choice=text if inject.type == "decision" else None,
            answer="" if inject.type == "decision" or text is None else text,
            ad_hoc=list(self.ad_hoc.get(inject.id, [])),
        )


def install(world: World, facilitator: Facilitator | None = None) -> Msel:
    """Schedule and watch every inject of ``world.scenario``; return the controller."""
    msel = Msel(world, facilitator or Scripted())
    world.msel = msel
    for inj in world.scenario.injects:
        if inj.at_h is not None:
            world.spawn(msel._at(inj, inj.at_h))
        else:
            msel._watch(inj)
    return msel


def finish(world: World) -> None:
    """At the end of the run: log every inject whose time or trigger never came."""
    msel = world.msel
    if not isinstance(msel, Msel):
        return
    for inj in world.scenario.injects:
        if inj.id not in msel.fired:
            why = "trigger never met" if inj.trigger is not None else "after the end"
            world.emit("inject_skipped", inj.subject, inj.target or "", inj.id, reason=why)


class Msel:
    """Delivers the injects of one World and applies their effects and decisions."""

    def __init__(self, world: World, facilitator: Facilitator):
        self.world = world
        self.facilitator = facilitator
        self.fired: set[str] = set()
        self.delivered: list[str] = []
        self.withdrawn: set[str] = set()
        """Injects the controller took out of the timeline (fired early, skipped,
        deferred in ``drill play``): their scheduled delivery does nothing."""

    # -- timing ---------------------------------------------------------------
    def _at(self, inj: Inject, t: float) -> Generator[Any, Any, None]:
        yield self.world.env.timeout(max(0.0, t - self.world.now))
        if inj.id not in self.withdrawn:
            self.deliver(inj)

    def _watch(self, inj: Inject) -> None:
        trig = inj.trigger
        assert trig is not None
        kind = "isolated" if trig.on == ROOMS_OCCUPIED else trig.on
        seen = [0]

        def check(event: Event) -> Generator[Any, Any, None] | None:
            if inj.id in self.fired:
                return None
            if trig.on == ROOMS_OCCUPIED:
                if self.rooms_taken_share() < (trig.share or 1.0):
                    return None
            else:
                if any(event_field(event, k) != v for k, v in trig.where.items()):
                    return None
                seen[0] += 1
                if seen[0] < trig.count:
                    return None
            self.fired.add(inj.id)  # claimed now; delivered once the logging process yields
            return self._at(inj, max(self.world.now, trig.not_before_h))

        self.world.on(kind, check)

    def rooms_taken_share(self) -> float:
        """Share of centralized-quarantine rooms taken, counted from ``isolated`` events."""
        rooms = rooms_total(self.world.scenario)
        if not rooms:
            return 0.0
        return rooms_taken(self.world) / rooms

    # -- delivery -------------------------------------------------------------
    def deliver(self, inj: Inject) -> None:
        """Log the inject, apply its effects, pause for the room, log the response."""
        world = self.world
        self.fired.add(inj.id)
        self.delivered.append(inj.id)
        world.emit(
            "inject",
            inj.subject,
            inj.target or "",
            inj.id,
            type=inj.type,
            delivery=inj.delivery,
            clock=world.clock(world.now),
            objectives=list(inj.objectives),
            cause="trigger" if inj.trigger is not None else "time",
        )
        for eff in inj.effects:
            self.apply_effect(inj, eff)
        called = None
        if inj.type == "spot_check":
            gen = world.streams.gen(f"injects/{inj.id}")
            called = inj.draw_from[int(gen.integers(len(inj.draw_from)))]
            world.emit("spot_check_call", inj.subject, called, inj.id)
        response = self.facilitator.pause(world, inj, called)
        for question, answer in response.ad_hoc:
            world.emit(
                "ad_hoc_question",
                inj.subject,
                inj.target or called or "",
                inj.id,
                question=question,
                answer=answer,
            )
        if inj.type == "decision":
            self.decide(inj, response.choice)
        elif inj.type == "spot_check":
            assert called is not None
            duties = [
                s for s, r in world.scenario.responsibilities.items() if called in r.responsible
            ]
            result, named = verdict(response.answer, duties)
            world.emit(
                "spot_check_answer",
                inj.subject,
                called,
                inj.id,
                answer=response.answer,
                verdict=result,
                named=named,
                duties=duties,
            )
        elif response.answer:
            world.emit(
                "inject_answer", inj.subject, inj.target or "", inj.id, answer=response.answer
            )

    def chosen(self, inj: Inject, choice: str | None) -> str:
        """The room's choice, else the plan's scripted one, else the inject's default."""
        return choice or self.world.scenario.decisions.get(inj.id) or inj.default_option

    def decide(self, inj: Inject, choice: str | None) -> None:
        world = self.world
        option = inj.option(self.chosen(inj, choice))
        world.emit(
            "decision_made",
            inj.subject,
            inj.target or "",
            inj.id,
            option=option.id,
            effective_in_h=option.delay_h,
        )
        if option.delay_h > 0:
            world.spawn(self._later(inj, option))
        else:
            self.apply_option(inj, option)

    def _later(self, inj: Inject, option: Option) -> Generator[Any, Any, None]:
        yield self.world.env.timeout(option.delay_h)
        self.apply_option(inj, option)

    # -- effects --------------------------------------------------------------
    def apply_option(self, inj: Inject, option: Option) -> None:
        """Overlay the option on the running world, then apply its typed effects."""
        world = self.world
        old = world.scenario
        new = overlaid(old, option.overlay) if option.overlay else old
        changed, not_applied = reconfigure(world, old, new)
        world.emit(
            "decision_effective",
            inj.subject,
            inj.target or "",
            inj.id,
            option=option.id,
            changed=changed,
            not_applied=not_applied,
        )
        for eff in option.effects:
            self.apply_effect(inj, eff)

    def apply_effect(self, inj: Inject, eff: Effect) -> None:
        world = self.world
        if isinstance(eff, StaffEffect):
            agent = world.agents[eff.agent]
            before = agent.staff
            staff = eff.set if eff.set is not None else before + (eff.add or 0)
            staff = max(1, staff)  # an agent never loses its last member (the duty officer)
            set_staff(world, eff.agent, staff)
            world.emit("staff_changed", inj.subject, eff.agent, inj.id, before=before, staff=staff)
        elif isinstance(eff, MachinesEffect):
            last = world.log.of("machines_changed", agent=eff.agent)
            if last:
                before = int(last[-1].details["machines"])
            else:
                testing = world.scenario.subjects.testing
                labs = testing.mass.labs if testing and testing.mass else []
                before = next((lab.machines for lab in labs if lab.agent == eff.agent), 0)
            machines = max(0, eff.set if eff.set is not None else before + (eff.add or 0))
            world.emit(
                "machines_changed", inj.subject, eff.agent, inj.id, before=before, machines=machines
            )
        elif isinstance(eff, HandoffDelayEffect):
            scn = world.scenario
            handoffs = [
                h.model_copy(update={"delay": eff.delay})
                if (h.from_, h.to) == (eff.from_, eff.to)
                else h
                for h in scn.handoffs
            ]
            world.scenario = scn.model_copy(update={"handoffs": handoffs})
            world.emit(
                "handoff_delay_changed",
                inj.subject,
                eff.to,
                inj.id,
                source=eff.from_,
                mean_h=round(eff.delay.mean, 6),
            )
        elif isinstance(eff, RevealContactsEffect):
            self._reveal(inj, eff)
        elif isinstance(eff, TestRequestEffect):
            members = world.population.community_members(
                community_ids(world.scenario.region).index(eff.community)
            )
            draw = f"injects/{inj.id}/tests"
            n = min(eff.people, members.size)
            world.emit("finding_revealed", inj.subject, inj.target or "", inj.id, people=n)
            if n > eff.pooled_above:  # one pooled targeted round (testing draws the group)
                world.emit(
                    "screening_ordered",
                    inj.subject,
                    inj.target or "",
                    inj.id,
                    community=eff.community,
                    people=n,
                    reason=eff.reason,
                    draw=draw,
                )
                return
            people = world.population.draw(members, eff.people, world.streams.gen(draw))
            for person in people:
                world.emit(
                    "test_requested", inj.subject, inj.target or "", int(person), reason=eff.reason
                )
        elif isinstance(eff, RumourEffect):
            world.emit("rumour_spread", inj.subject, eff.agent, inj.id)
            world.spawn(self._answer_rumour(inj, eff))
        elif isinstance(eff, SeedCaseEffect):
            self._seed(inj, eff)

    def _seed(self, inj: Inject, eff: SeedCaseEffect) -> None:
        """A new index case: a resident not yet infected, entering like a declared one.

        It is logged as the index case's ``returnee_arrival`` (the epidemic makes it an
        imported case, testing runs its premise test), so a seeded chain is traced,
        transferred and tested like any other.
        """
        world = self.world
        members = world.population.community_members(
            community_ids(world.scenario.region).index(eff.community)
        )
        u = world.streams.uniform(f"injects/{inj.id}/{eff.id}/seed", np.arange(members.size))
        order = members[np.argsort(u)]
        fresh = [int(p) for p in order if int(p) not in world.infected]
        person = fresh[0] if fresh else int(order[0])
        details: dict[str, Any] = {
            "community": eff.community,
            "risk_area": eff.origin,
            "entered_h": round(world.now - eff.arrived_h_ago, 6),
            "exposure_h": round(world.now - eff.infected_h_ago, 6),
            "index_case": eff.id,
            "inject": inj.id,
        }
        if eff.label is not None:
            details["label"] = {"zh": eff.label.zh, "en": eff.label.en}
        if eff.found_by != "none":
            details["premise_test"] = eff.found_by
            if eff.found_after_h:
                details["premise_h"] = world.now + eff.found_after_h
        world.emit("returnee_arrival", inj.subject, inj.target or "", person, **details)

    def _reveal(self, inj: Inject, eff: RevealContactsEffect) -> None:
        world = self.world
        cases = {e.entity for e in world.log.of("case_confirmed")}
        known = {e.entity for e in world.log.of("contact_identified")}
        missed = [
            e
            for e in world.log.of("contact_exposed", setting=eff.setting)
            if e.details.get("source") in cases and e.entity not in known
        ]
        missed = list({e.entity: e for e in missed}.values())
        u = world.streams.uniform("injects/reveal", np.asarray([int(e.entity) for e in missed]))
        found = [e for e, draw in zip(missed, u, strict=True) if draw < eff.share]
        world.emit(
            "finding_revealed",
            inj.subject,
            inj.target or "",
            inj.id,
            setting=eff.setting,
            contacts=len(found),
        )
        tracer = world.responsible("tracing")[0]
        for e in found:
            world.emit(
                "contact_identified",
                "tracing",
                tracer,
                e.entity,
                source=e.details.get("source", ""),
                setting=eff.setting,
                stage="inject",
                role="close_contact",
            )

    def _answer_rumour(self, inj: Inject, eff: RumourEffect) -> Generator[Any, Any, None]:
        world = self.world
        gen = world.streams.gen(f"injects/{inj.id}/rumour")
        yield from world.agents[eff.agent].work(
            inj.subject, "rumour_response", inj.id, eff.time.sample(gen)
        )
        world.emit("rumour_answered", inj.subject, eff.agent, inj.id)


def set_staff(world: World, aid: str, staff: int) -> None:
    """Change an agent's staff in the running world and in ``world.scenario`` alike."""
    world.agents[aid].set_staff(staff)
    scn = world.scenario
    agents = dict(scn.agents)
    agents[aid] = agents[aid].model_copy(update={"staff": staff})
    world.scenario = scn.model_copy(update={"agents": agents})


def reconfigure(world: World, old: Scenario, new: Scenario) -> tuple[list[str], list[str]]:
    """Make the running world follow ``new``; return what changed and what could not.

    Agents' staff change through :meth:`StaffedAgent.set_staff`; handoffs and
    responsibilities take effect through ``world.scenario`` (the engine reads
    them there); a subject whose parameters change must declare a
    ``reconfigure`` — one that does not is reported in ``not_applied`` rather
    than silently ignored.
    """
    changed: list[str] = []
    not_applied: list[str] = []
    world.scenario = new
    for aid, spec in new.agents.items():
        was = old.agents[aid]
        if spec.staff != was.staff:
            world.agents[aid].set_staff(spec.staff)
            changed.append(f"agents.{aid}.staff")
        if spec.model_copy(update={"staff": was.staff}) != was:
            not_applied.append(f"agents.{aid}")
    for key in ("handoffs", "responsibilities"):
        if getattr(new, key) != getattr(old, key):
            changed.append(key)
    for name, subject in REGISTRY.items():
        before, after = old.subject_params(name), new.subject_params(name)
        if before == after:
            continue
        if subject.reconfigure is None or before is None or after is None:
            not_applied.append(f"subjects.{name}")
        else:
            subject.reconfigure(world, world.subjects[name], after)
            changed.append(f"subjects.{name}")
    if new.epidemic != old.epidemic:
        not_applied.append("epidemic")
    return changed, not_applied


def rooms_total(scn: Scenario) -> int:
    """Centralized-quarantine rooms of the scenario's sites (0 without the subject)."""
    p = scn.subject_params("transfer_isolation")
    return 0 if p is None else sum(s.rooms for s in p.sites.values())


def rooms_taken(world: World) -> int:
    """Rooms taken so far, counted (incrementally) from the event log."""
    return world.log.count("isolated", mode="central_quarantine")
