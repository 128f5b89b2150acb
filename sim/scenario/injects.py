"""What an MSEL entry may say: timing or trigger, target, message, effects, options.

Injects are data in the scenario's ``injects:`` list.  Their effects on the
simulation are typed (a capacity change, a slower handoff, contacts or people
revealed, a rumour that starts a clock), and a decision point's options are
plan-like overlays validated exactly like plans (see :mod:`sim.injects.check`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, NonNegativeInt, PositiveInt, model_validator

from sim.scenario.distributions import Dist
from sim.scenario.schema import Slug, Strict, Text

InjectType = Literal[
    "information", "resource_loss", "new_finding", "public_opinion", "spot_check", "decision"
]
Delivery = Literal["verbal", "phone", "email", "radio", "written", "simulation"]

ROOMS_OCCUPIED = "rooms_occupied"
"""Trigger condition computed from the log: share of centralized-quarantine rooms taken."""


class Trigger(Strict):
    """Fire when the ``count``-th event of kind ``on`` matching ``where`` is logged.

    ``on: rooms_occupied`` with ``share`` instead fires when that share of the
    centralized-quarantine rooms (counted from ``isolated`` events against the
    sites' rooms) is taken.  ``not_before_h`` holds an early trigger back.
    """

    on: str
    count: PositiveInt = 1
    where: dict[str, str | int | float | bool] = Field(default_factory=dict)
    share: float | None = Field(default=None, gt=0, le=1)
    not_before_h: float = Field(default=0.0, ge=0)

    @model_validator(mode="after")
    def _share(self) -> Trigger:
        if (self.on == ROOMS_OCCUPIED) != (self.share is not None):
            raise ValueError(f"'share' is needed with, and only with, on: {ROOMS_OCCUPIED}")
        return self


class StaffEffect(Strict):
    """Staff of an agent lost or added (a lab machine fails, reinforcements arrive)."""

    kind: Literal["staff"]
    agent: Slug
    add: int | None = Field(
        default=None, ge=-100_000, le=100_000, description="staff added (negative: lost)"
    )
    set: NonNegativeInt | None = Field(default=None, le=100_000, description="staff from now on")

    @model_validator(mode="after")
    def _one(self) -> StaffEffect:
        if (self.add is None) == (self.set is None):
            raise ValueError("give exactly one of 'add' and 'set'")
        return self


class MachinesEffect(Strict):
    """A laboratory's machines fail or are added (a PCR machine breaks, a mobile lab
    arrives): how many of its machines run tubes from now on.  ``agent`` is a
    laboratory of the mass rounds (``subjects.testing.mass.labs``)."""

    kind: Literal["machines"]
    agent: Slug
    add: int | None = Field(default=None, description="machines added (negative: lost)")
    set: NonNegativeInt | None = Field(default=None, description="machines from now on")

    @model_validator(mode="after")
    def _one(self) -> MachinesEffect:
        if (self.add is None) == (self.set is None):
            raise ValueError("give exactly one of 'add' and 'set'")
        return self


class HandoffDelayEffect(Strict):
    """A handoff becomes slower (a network outage, a road closed): its new delay."""

    kind: Literal["handoff_delay"]
    from_: Slug = Field(alias="from")
    to: Slug
    delay: Dist


class RevealContactsEffect(Strict):
    """A new finding: contacts of confirmed cases in ``setting`` that tracing had
    missed come to light (a venue the case forgot).  Each is revealed with
    probability ``share`` by a per-person common random number."""

    kind: Literal["reveal_contacts"]
    setting: str
    share: float = Field(default=1.0, gt=0, le=1)


class TestRequestEffect(Strict):
    """People found to need a test (a leaked vehicle's passengers, a push list):
    ``people`` residents of ``community`` (``township/community``) drawn with the
    inject's own random stream, each logged as ``test_requested``.  A group of
    more than ``pooled_above`` people is one pooled targeted round instead
    (``screening_ordered``), sampled and pooled like a county round."""

    kind: Literal["test_request"]
    community: str
    people: PositiveInt
    reason: Slug
    pooled_above: PositiveInt = Field(
        default=50, description="a larger group is screened in one pooled round"
    )


class RumourEffect(Strict):
    """A rumour spreads: logs ``rumour_spread`` (the clock of the information-release
    standard) and ``agent`` works ``time`` hours to answer it (``rumour_answered``)."""

    kind: Literal["rumour"]
    agent: Slug
    time: Dist


class SeedCaseEffect(Strict):
    """A new index case comes to light mid-exercise: a resident of ``community`` drawn
    with the inject's own random stream, infected ``infected_h_ago`` hours ago outside
    the county and in it for ``arrived_h_ago`` hours (exposures since then happened),
    becomes an imported case like a declared index case (``index_cases[]`` of
    ``summary.json`` under ``id``).  ``found_by`` names a premise test
    ``found_after_h`` hours after the inject; ``none`` leaves the case for the model
    to find."""

    kind: Literal["seed_case"]
    id: Slug = Field(description="index-case id")
    label: Text | None = None
    community: str
    origin: str = Field(default="unknown", description="where the case came from")
    infected_h_ago: float = Field(default=48.0, ge=0, le=336)
    arrived_h_ago: float = Field(default=0.0, ge=0, le=336)
    found_by: Literal["health_monitoring", "fever_clinic", "screening", "none"] = "none"
    found_after_h: float = Field(default=0.0, ge=0)

    @model_validator(mode="after")
    def _order(self) -> SeedCaseEffect:
        if self.arrived_h_ago > self.infected_h_ago:
            raise ValueError("arrived_h_ago exceeds infected_h_ago: the case arrives infected")
        if self.found_by == "none" and self.found_after_h:
            raise ValueError("found_after_h needs a found_by other than none")
        return self


Effect = Annotated[
    StaffEffect
    | MachinesEffect
    | HandoffDelayEffect
    | RevealContactsEffect
    | TestRequestEffect
    | RumourEffect
    | SeedCaseEffect,
    Field(discriminator="kind"),
]


class Option(Strict):
    """One choice at a decision point.

    ``overlay`` is a plan-like fragment of scenario keys (agents, handoffs,
    responsibilities, subjects, epidemic), applied to the running world
    ``delay_h`` hours after the choice, together with ``effects``.
    """

    id: Slug
    label: Text
    overlay: dict[str, Any] = Field(default_factory=dict)
    effects: list[Effect] = Field(default_factory=list)
    delay_h: float = Field(default=0.0, ge=0)


class Inject(Strict):
    """An MSEL entry delivered to a target agent at ``at_h`` or when ``trigger`` holds."""

    id: Slug
    title: Text | None = None
    at_h: float | None = Field(default=None, ge=0)
    trigger: Trigger | None = None
    target: Slug | None = None
    draw_from: list[Slug] = Field(
        default_factory=list, description="spot_check: front-line roles, one drawn at random"
    )
    type: InjectType
    subject: str
    delivery: Delivery = "simulation"
    message: Text
    expected_action: Text | None = None
    objectives: list[Slug] = Field(default_factory=list, description="linked objective ids")
    effects: list[Effect] = Field(default_factory=list)
    options: list[Option] = Field(default_factory=list)
    default: Slug | None = Field(
        default=None, description="decision: the option taken when nobody chooses"
    )

    @model_validator(mode="after")
    def _shape(self) -> Inject:
        if (self.at_h is None) == (self.trigger is None):
            raise ValueError("give exactly one of 'at_h' and 'trigger'")
        if self.type == "decision":
            if len(self.options) < 2:
                raise ValueError("a decision needs at least two options")
            ids = [o.id for o in self.options]
            if len(set(ids)) != len(ids):
                raise ValueError("option ids must be unique")
            if self.default is not None and self.default not in ids:
                raise ValueError(f"default '{self.default}' is not an option")
        elif self.options or self.default is not None:
            raise ValueError("only a decision inject has options")
        if self.type == "spot_check":
            if not self.draw_from:
                raise ValueError("a spot_check needs 'draw_from' (the roles that may be phoned)")
        elif self.target is None:
            raise ValueError("required key 'target' is missing")
        return self

    def option(self, option_id: str) -> Option:
        """The option named ``option_id`` (KeyError when there is none)."""
        for o in self.options:
            if o.id == option_id:
                return o
        raise KeyError(option_id)

    @property
    def default_option(self) -> str:
        """The option taken when neither a plan nor the room chooses."""
        return self.default or self.options[0].id
