"""居家隔离 home quarantine under five-to-one supervision (五包一), for the transfer subject.

Home quarantine is where the transfer subject sends a contact when every
centralized site is full (the overflow) or when the placement rule of the plan
sends the contact home (``roles``, ``share``: e.g. secondary contacts under the
9th edition, #26).  The community sets it up (``agent``, ``time``).

**Supervision.**  Each home-quarantined household needs a five-to-one team
(五包一: a community cadre, a grid worker, a doctor, a police officer and a
volunteer, #34) to be supervised.  Teams are ``staff // team_size`` and each
covers ``households_per_team`` households; with no ``staff`` the grid workers
of the household's declared compound, or the community's grid workers not
stationed in a declared compound, are the teams' staff (seed 004: 4,197 grid
workers stationed in 159 compounds), of whom ``grid_share`` serve on the teams.
A household that finds no free team slot is unsupervised; a slot comes free
when the household's last member leaves home quarantine.

**Compliance.**  Whether a person really stays home is one per-person uniform
(``transfer/compliance``) below ``compliance`` in a supervised household and
below ``supervision.unsupervised_compliance`` in an unsupervised one, so fewer
teams only ever add breaches.  A person in breach is not isolated
(``world.isolated``): the epidemic lets their exposures happen.

**Checks.**  Random phone or video checks (随机抽查, 视频连线; seed 004) reach each
person in breach ``per_day`` times a day at random (exponential gaps, per-person
draws) and find the breach with probability ``find``.  A found breach
(``home_quarantine_breach_found``) ends it: the person is re-secured at home or,
with ``then: central_quarantine``, held at home and moved to the next free
centralized room.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import Field, NonNegativeInt, PositiveInt

from sim.scenario.limits import MAX_STAFF
from sim.scenario.schema import AgentTask, Strict

if TYPE_CHECKING:
    from sim.engine.world import World

ROLES = ("close_contact", "secondary_contact")


class Supervision(Strict):
    """Five-to-one teams (五包一, #34) with finite staff (seed 004: grid workers)."""

    staff: NonNegativeInt | None = Field(
        default=None,
        le=MAX_STAFF,
        description="people on five-to-one teams county-wide (default: the grid workers of "
        "each household's compound or community)",
    )
    grid_share: float = Field(
        default=1.0,
        ge=0,
        le=1,
        description="share of the grid workers on five-to-one teams (when no ``staff``)",
    )
    team_size: PositiveInt = Field(
        default=5, le=100, description="people per team (五包一: five per household)"
    )
    households_per_team: PositiveInt = Field(
        default=1, le=10_000, description="home-quarantined households one team covers"
    )
    unsupervised_compliance: float = Field(
        ge=0, le=1, description="share who stay home in a household no team covers"
    )


class Checks(Strict):
    """Random phone or video checks of people in home quarantine (seed 004)."""

    agent: str = Field(description="who checks (e.g. the supervision task force, 督导组)")
    per_day: float = Field(gt=0, le=48, description="checks per person and day")
    find: float = Field(default=0.8, ge=0, le=1, description="a check during a breach finds it")
    then: Literal["re_secure", "central_quarantine"] = Field(
        default="re_secure", description="what follows a found breach"
    )


class HomeQuarantine(AgentTask):
    """Home quarantine set up by the community, supervised five-to-one (五包一, #34)."""

    compliance: float = Field(
        default=1.0, ge=0, le=1, description="share who really stay home (supervised households)"
    )
    supervision: Supervision | None = Field(
        default=None, description="five-to-one teams (none: every household counts as supervised)"
    )
    checks: Checks | None = Field(default=None, description="random phone or video checks")
    roles: list[Literal["close_contact", "secondary_contact"]] = Field(
        default_factory=list, description="contacts of these roles go home, not to a site"
    )
    share: float = Field(
        default=0.0, ge=0, le=1, description="share of the other contacts sent home, not to a site"
    )


class HomeQuarantineService:
    """Team slots, who is in breach, and the checks that find breaches."""

    def __init__(self, world: World, subject: str):
        self.world = world
        self.subject = subject
        self.used: dict[int, int] = {}  # pool → households supervised
        self.household_of: dict[str, int] = {}  # person at home → household
        self.members: dict[int, set[str]] = {}  # household → people at home
        self.supervised: set[int] = set()  # households with a team
        self.pool_of: dict[int, int] = {}  # supervised household → its pool
        self.breaching: set[str] = set()

    # --- placement ------------------------------------------------------------
    def sent_home(self, hq: HomeQuarantine, person: str, role: str) -> bool:
        """Whether the placement rule sends ``person`` home rather than to a site."""
        if role in hq.roles:
            return True
        if hq.share <= 0:
            return False
        return bool(self.world.streams.uniform("transfer/home_share", int(person))[0] < hq.share)

    # --- supervision ------------------------------------------------------------
    def _pool(self, sup: Supervision, person: int) -> tuple[int, int]:
        """(pool id, households it can cover) for ``person``'s household."""
        pop = self.world.population
        if sup.staff is not None:
            return -1, (sup.staff // sup.team_size) * sup.households_per_team
        compound = int(pop.compound[person])
        grid, pool = int(pop.compound_grid_workers[compound]), compound
        if grid < 0:  # a default block: the grid workers of the community
            community = int(pop.community[person])
            grid, pool = int(pop.community_grid_workers[community]), -2 - community
        teams = int(grid * sup.grid_share) // sup.team_size
        return pool, teams * sup.households_per_team

    def enter(self, hq: HomeQuarantine, person: str) -> tuple[bool, bool]:
        """Place ``person`` at home: (supervised, compliant)."""
        pop = self.world.population
        household = int(pop.household[int(person)])
        self.household_of[person] = household
        self.members.setdefault(household, set()).add(person)
        sup = hq.supervision
        if sup is None or household in self.supervised:
            supervised = True
        else:
            pool, capacity = self._pool(sup, int(person))
            supervised = self.used.get(pool, 0) < capacity
            if supervised:
                self.used[pool] = self.used.get(pool, 0) + 1
                self.supervised.add(household)
                self.pool_of[household] = pool
        level = hq.compliance if supervised or sup is None else sup.unsupervised_compliance
        u = self.world.streams.uniform("transfer/compliance", int(person))[0]
        compliant = bool(u < level)
        if not compliant:
            self.breaching.add(person)
        return supervised, compliant

    def leave(self, person: str) -> None:
        """``person`` leaves home quarantine; the household's team slot frees with the last one."""
        self.breaching.discard(person)
        household = self.household_of.pop(person, None)
        if household is None:
            return
        members = self.members.get(household, set())
        members.discard(person)
        if not members:
            self.members.pop(household, None)
            if household in self.supervised:
                self.supervised.discard(household)
                pool = self.pool_of.pop(household)
                self.used[pool] -= 1

    # --- checks -----------------------------------------------------------------
    def checked(
        self, hq: HomeQuarantine, person: str, found: Callable[[str], None]
    ) -> Generator[Any, Any, None]:
        """Random checks of a person in breach until one finds it (then ``found(person)``)."""
        checks = hq.checks
        if checks is None:
            return
        world, env = self.world, self.world.env
        start = world.now
        k = 0
        while person in self.breaching:
            u_gap = world.streams.uniform("transfer/check_gap", int(person), slot=k)[0]
            yield env.timeout(float(-np.log(u_gap)) * 24.0 / checks.per_day)
            if person not in self.breaching:
                return
            u_find = world.streams.uniform("transfer/check_find", int(person), slot=k)[0]
            k += 1
            if u_find < checks.find:
                self.breaching.discard(person)
                world.emit(
                    "home_quarantine_breach_found",
                    self.subject,
                    checks.agent,
                    person,
                    checks=k,
                    breach_h=round(world.now - start, 6),
                    then=checks.then,
                )
                found(person)
                return
