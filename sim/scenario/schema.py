"""The typed scenario: what a drill file may say, checked by pydantic.

Every model forbids unknown keys (typos are the commonest planner error) and
states its ranges, so that :func:`sim.scenario.load_scenario` can report each
problem as ``FILE:LINE: dotted.path: message``.  Per-subject parameters are
declared next to the behaviour they drive, in ``sim/subjects/<subject>``; the
composition root :mod:`sim.language` adds them (and the epidemic's section) to
the root model here.
"""

from __future__ import annotations

import functools
import math
from datetime import datetime
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    field_validator,
    model_validator,
)

from sim.scenario.distributions import Dist, Fixed
from sim.scenario.limits import (
    MAX_DURATION_H,
    MAX_HOUSEHOLD,
    MAX_POPULATION,
    MAX_SEED,
    MAX_STAFF,
)

Layer = Literal["territorial", "departmental", "unit", "individual"]
AgentKind = Literal[
    "command",
    "coordination",
    "task_force",
    "cdc",
    "hospital",
    "lab",
    "police",
    "township",
    "community",
    "external",
]
Slug = str


def _bare(annotation: Any) -> Any:
    """``Annotated[int, ...]`` → ``int``."""
    return get_args(annotation)[0] if get_origin(annotation) is Annotated else annotation


@functools.cache
def _numeric_fields(model: type[BaseModel]) -> frozenset[str]:
    """Names (and aliases) of the fields of ``model`` that hold one int or float."""
    out: set[str] = set()
    for name, info in model.model_fields.items():
        members = (
            get_args(info.annotation) if get_origin(info.annotation) in (Union, UnionType) else ()
        )
        kinds = {_bare(a) for a in members} - {type(None)} or {_bare(info.annotation)}
        if kinds <= {int, float}:
            out.add(info.alias or name)
    return frozenset(out)


def _real(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


class Strict(BaseModel):
    """Base for scenario models: unknown keys are errors, values are immutable.

    Numbers are finite (``.inf`` and ``.nan`` are refused), a pair of ``hours`` is
    clock hours within 0 … 24, and a number field
    never takes ``true``/``false`` (YAML 1.1 reads ``yes`` and ``on`` as booleans,
    which pydantic would otherwise count as 1).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _no_booleans_as_numbers(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        hours = value.get("hours")
        if isinstance(hours, list | tuple) and len(hours) == 2:
            start, end = hours
            if not (_real(start) and _real(end) and 0 <= start < end <= 24):
                raise ValueError(
                    "hours must be clock hours [start, end] with 0 <= start < end <= 24"
                )
        numeric = _numeric_fields(cls)
        if not any(isinstance(value.get(k), bool) for k in numeric):
            return value
        # as text the value fails the number check, located at its own key
        return {
            k: ("true" if v else "false") if k in numeric and isinstance(v, bool) else v
            for k, v in value.items()
        }


class Text(Strict):
    """A user-facing string in Chinese and English; a plain string serves both."""

    zh: str
    en: str

    @model_validator(mode="before")
    @classmethod
    def _plain(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"zh": value, "en": value}
        return value

    def __call__(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Meta(Strict):
    id: Slug = Field(
        pattern=r"^[a-z0-9][a-z0-9_-]*$", description="short name used in output paths"
    )
    title: Text = Field(description="drill title, zh and en")
    description: Text | None = None
    illustrative: bool = Field(default=True, description="true unless built from real data")
    start: datetime = Field(description="wall-clock start (ISO 8601 with offset); sim time 0")
    duration_h: PositiveFloat = Field(le=MAX_DURATION_H, description="simulated hours")
    seed: NonNegativeInt = Field(default=0, le=MAX_SEED, description="default random seed")
    rule_set: str = Field(default="8th-edition", description="protocol edition in force")


class Compound(Strict):
    """A residential compound or village group (小区 / 村民小组) declared where it is."""

    name: Text
    households: PositiveInt = Field(le=MAX_POPULATION, description="households living in it")
    grid_workers: NonNegativeInt = Field(
        default=0, le=MAX_STAFF, description="grid workers (网格员) stationed in it"
    )


class Community(Strict):
    name: Text
    population: PositiveInt = Field(le=MAX_POPULATION, description="residents")
    grid_workers: NonNegativeInt = Field(
        default=0, le=MAX_STAFF, description="网格员 on the community's roster"
    )
    compounds: dict[Slug, Compound] = Field(
        default_factory=dict,
        description="explicit compounds, in layout order; households beyond them form "
        "blocks of 250 (default: blocks of 250 households only)",
    )

    @model_validator(mode="after")
    def _compounds_fit(self) -> Community:
        households = sum(c.households for c in self.compounds.values())
        if households > self.population:
            raise ValueError(
                f"the compounds hold {households} households, more than the "
                f"{self.population} residents"
            )
        return self


class Township(Strict):
    name: Text
    communities: dict[Slug, Community] = Field(min_length=1)
    household_size: Dist | None = Field(
        default=None, description="persons per household here (default: the region's)"
    )

    @field_validator("household_size")
    @classmethod
    def _household(cls, value: Dist | None) -> Dist | None:
        if value is not None and not value.mean <= MAX_HOUSEHOLD:
            raise ValueError(f"the mean household size must be at most {MAX_HOUSEHOLD:g}")
        return value


class Region(Strict):
    name: Text
    population: PositiveInt = Field(
        le=MAX_POPULATION, description="must equal the sum of the communities"
    )
    household_size: Dist = Field(
        default_factory=lambda: Fixed(value=2.8),
        description="persons per household (rounded, at least 1)",
    )
    townships: dict[Slug, Township] = Field(min_length=1, description="by township id")

    @field_validator("household_size")
    @classmethod
    def _household(cls, value: Dist) -> Dist:
        if not value.mean <= MAX_HOUSEHOLD:
            raise ValueError(f"the mean household size must be at most {MAX_HOUSEHOLD:g}")
        return value

    @model_validator(mode="after")
    def _population_adds_up(self) -> Region:
        total = sum(c.population for t in self.townships.values() for c in t.communities.values())
        if total != self.population:
            raise ValueError(
                f"population {self.population} differs from the sum of the communities ({total})"
            )
        return self


class Duty(Strict):
    """When an agent's staff are on post.  Outside ``hours``, only ``off_duty_staff``
    work (a 24-hour duty officer, say); work arriving then waits for them."""

    hours: tuple[float, float] = Field(default=(0.0, 24.0), description="[start, end) clock hours")
    off_duty_staff: NonNegativeInt = Field(
        default=0, le=MAX_STAFF, description="staff on post outside hours"
    )

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: tuple[float, float]) -> tuple[float, float]:
        start, end = value
        if not (0 <= start < end <= 24):
            raise ValueError("duty hours must satisfy 0 <= start < end <= 24")
        return value

    @property
    def always(self) -> bool:
        return self.hours == (0.0, 24.0)


class Agent(Strict):
    """An organisation of the command structure that does work with limited staff."""

    name: Text
    kind: AgentKind = Field(description="what sort of organisation")
    layer: Layer = Field(description="four-party responsibility layer (四方责任)")
    staff: PositiveInt = Field(
        le=MAX_STAFF, description="people on duty, each doing one task at a time"
    )
    duty: Duty = Field(default_factory=Duty, description="duty roster")
    reports_to: list[Slug] = Field(default_factory=list, description="reporting lines (agent ids)")
    assumption: bool = Field(default=False, description="true when not from a published source")


class Raci(Strict):
    """Who is Responsible, Accountable, Consulted and Informed for one subject."""

    responsible: list[Slug] = Field(min_length=1, description="agents that do the work")
    accountable: Slug = Field(description="the one agent answerable for the subject")
    consulted: list[Slug] = Field(default_factory=list)
    informed: list[Slug] = Field(default_factory=list)


class Handoff(Strict):
    """Information or work passing from one agent to another, with its delay (hours)."""

    from_: Slug = Field(alias="from", description="sending agent")
    to: Slug = Field(description="receiving agent")
    delay: Dist = Field(description="hours in transit")
    channel: str = Field(default="report", description="what passes (label)")


class EventMatch(Strict):
    """An event kind, optionally restricted to events whose details match."""

    kind: str = Field(description="a declared event kind (engine, epidemic, MSEL or a subject)")
    where: dict[str, str | int | float | bool] = Field(
        default_factory=dict, description="details (or agent/entity) that must match"
    )

    @model_validator(mode="before")
    @classmethod
    def _plain(cls, value: Any) -> Any:
        return {"kind": value} if isinstance(value, str) else value


class Link(Strict):
    """Ties each measured entity to the start of the entity a detail of its event names.

    ``{kind: contact_identified, where: {role: close_contact}, link: source}``: each
    close contact is measured from the start event of the case that named it.
    """

    kind: str = Field(description="the event that names the linked entity (first per entity)")
    where: dict[str, str | int | float | bool] = Field(
        default_factory=dict, description="details (or agent/entity) that must match"
    )
    link: str = Field(description="the detail of that event holding the linked entity")


class Measure(Strict):
    """Elapsed time from a ``start`` event to an ``end`` event.

    With ``per: entity`` the time is taken for each entity (a contact, a case) from
    its own start to its own end and aggregated with ``agg``.  Entities still on
    their way when the run ends are censored: a quantile (``median``, ``p90``) is
    achieved when that share of the entities reached the end, whatever the rest
    do; ``max`` and ``mean`` need every entity.  ``clock_from`` starts every
    entity's clock at one common event instead ("all contacts isolated within 24 h
    of the case report"); ``through`` starts each entity's clock at the start event
    of the entity it is linked to (a contact at its own case's positive result).
    ``unless`` leaves out starts whose entity already had such an event (cases
    found as someone's contact are no index cases).  With ``per: none`` it is from
    the first start to the first end at or after it.
    """

    start: EventMatch
    end: EventMatch
    per: Literal["none", "entity"] = "none"
    agg: Literal["max", "mean", "p90", "median"] = "max"
    clock_from: EventMatch | None = Field(
        default=None,
        description="with per: entity, start every entity's clock at the first such event",
    )
    through: Link | None = Field(
        default=None,
        description="with per: entity, measure the entities this event links to a start",
    )
    unless: EventMatch | None = Field(
        default=None, description="starts of entities that had such an event before do not count"
    )

    @model_validator(mode="after")
    def _clocks(self) -> Measure:
        if self.through is not None and self.clock_from is not None:
            raise ValueError("a measure takes either clock_from or through, not both")
        if (self.through is not None or self.clock_from is not None) and self.per != "entity":
            raise ValueError("clock_from and through need per: entity")
        return self


class Count(Strict):
    """A count read from the log: entities with a matching event, or a detail summed or
    maximised over the matching events ("risk-area arrivals leaked": 0)."""

    kind: str = Field(description="a declared event kind")
    where: dict[str, str | int | float | bool] = Field(
        default_factory=dict, description="details (or agent/entity) that must match"
    )
    agg: Literal["entities", "sum", "max"] = Field(
        default="entities",
        description="entities: distinct entities of the events; sum, max: of the detail `field`",
    )
    field: str | None = Field(default=None, description="the numeric detail summed or maximised")

    @model_validator(mode="after")
    def _field(self) -> Count:
        if (self.agg == "entities") != (self.field is None):
            raise ValueError("`field` is needed with agg sum or max, and only then")
        return self


HOURS = Text(zh="小时", en="h")
"""The unit of time objectives."""


class Objective(Strict):
    """A standard to rate: a time standard (时限要求, ``measure`` against ``standard_h``)
    or a count standard (``count`` against ``standard``, in ``unit``; at most)."""

    id: Slug
    subject: str = Field(description="one of the nine subjects")
    title: Text
    measure: Measure | None = Field(default=None, description="a time objective's clock")
    standard_h: PositiveFloat | None = Field(default=None, description="the time standard in hours")
    count: Count | None = Field(default=None, description="a count objective's tally")
    standard: float | None = Field(
        default=None, ge=0, description="a count objective's standard: at most this many"
    )
    unit: Text | None = Field(default=None, description="what a count objective counts")
    source: str = Field(description="where the standard comes from")
    unsourced: bool = Field(default=False, description="a local or unsourced objective")
    local: bool | None = Field(default=None, description="deprecated: the old name of `unsourced`")

    @model_validator(mode="after")
    def _shape(self) -> Objective:
        if (self.measure is None) == (self.count is None):
            raise ValueError("an objective needs either `measure` (time) or `count`")
        if self.measure is not None and (self.standard_h is None or self.standard is not None):
            raise ValueError("a time objective takes `standard_h` (hours), not `standard`")
        if self.count is not None and (
            self.standard is None or self.unit is None or self.standard_h is not None
        ):
            raise ValueError("a count objective takes `standard` and `unit`, not `standard_h`")
        return self

    @model_validator(mode="before")
    @classmethod
    def _old_local(cls, value: Any) -> Any:
        """``local`` still sets ``unsourced`` (the loader warns where it is used)."""
        if isinstance(value, dict) and value.get("local") is not None:
            return {"unsourced": value["local"]} | value
        return value

    @property
    def is_time(self) -> bool:
        """True for a time objective, False for a count objective."""
        return self.measure is not None

    @property
    def limit(self) -> float:
        """The standard in the objective's unit (hours for a time objective)."""
        value = self.standard_h if self.measure is not None else self.standard
        assert value is not None
        return value

    @property
    def units(self) -> Text:
        """The objective's unit (hours for a time objective)."""
        return HOURS if self.unit is None else self.unit


class Ratings(Strict):
    """How an achieved time or count maps to HSEEP ratings, as multiples of the standard:
    ≤ standard → P; ≤ ``S`` × standard → S; ≤ ``M`` × standard → M; else U (a count
    standard of 0 leaves no room: any count above it is U)."""

    S: float = Field(default=1.25, gt=1)
    M: float = Field(default=1.5, gt=1)

    def rate(self, achieved: float | None, standard: float) -> str:
        """P, S, M or U for ``achieved`` against ``standard`` (None, never achieved: U)."""
        if achieved is None:
            return "U"
        if achieved <= standard:
            return "P"
        if achieved <= standard * self.S:
            return "S"
        if achieved <= standard * self.M:
            return "M"
        return "U"

    @model_validator(mode="after")
    def _order(self) -> Ratings:
        if self.M < self.S:
            raise ValueError("ratings need M >= S")
        return self


class PlanInfo(Strict):
    """Metadata of a plan overlay (the ``plan:`` key of a plan file)."""

    id: Slug = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: Text
    description: Text | None = None


class AgentTask(Strict):
    """Work done by one agent, taking ``time`` hours of one staff member."""

    agent: str
    time: Dist
