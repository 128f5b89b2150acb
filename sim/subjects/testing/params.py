"""The testing subject's section of a scenario: single tubes and mass rounds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field, PositiveInt, model_validator

from sim.scenario.checks import Rel, missing_handoffs, unknown_agents
from sim.scenario.distributions import Dist
from sim.scenario.model import Scenario
from sim.scenario.schema import Strict

SENSITIVITY_BY_DAY = [0.0, 0.3, 0.7, 0.9, 0.95, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.6, 0.5, 0.4]
"""Probability that a swab detects an infection, by day since infection (assumption shaped
like published false-negative curves)."""


class IndividualTest(Strict):
    """How one person's swab is taken and run (single tube)."""

    sampler: str = Field(description="agent that takes the swab")
    sampling_time: Dist
    transport_time: Dist = Field(description="tube transport to the laboratory, hours")
    lab: str
    processing_time: Dist = Field(
        description="laboratory time for one tube, hours, when ``lab`` has no machines in "
        "mass.labs (a laboratory with machines runs single tubes in its machine runs)"
    )
    hands_on_time: float | None = Field(
        default=None,
        ge=0,
        description="staff hours per tube; the rest of processing_time is machine time "
        "(None: a staff member is busy for the whole processing time)",
    )
    sensitivity: float = Field(
        default=1.0,
        ge=0,
        le=1,
        description="multiplies the sensitivity by day since infection (1: the curve itself)",
    )
    sensitivity_by_day: list[float] | None = Field(
        default=None,
        min_length=1,
        description="probability a swab detects an infection, by day since infection "
        "(default: the mass rounds' curve)",
    )
    urgent_reasons: list[str] = Field(
        default=["fever_clinic", "health_monitoring", "pool_retest"],
        description="reasons whose swabs and tubes go ahead of routine ones (suspected cases); "
        "the rest, e.g. quarantine_day_N and arrival, wait their turn",
    )


class Sampling(Strict):
    """Sampling points and groups of a mass round (#54–56, #63)."""

    agents: list[str] = Field(
        min_length=1, description="agents that field the sampling groups (task force, communities)"
    )
    groups: PositiveInt = Field(
        le=100_000, description="sampling groups working at once in a county round"
    )
    zone_groups: PositiveInt = Field(
        le=100_000, default=20, description="door-to-door groups for the rounds of one zone"
    )
    per_group_per_h: float = Field(default=45.0, gt=0, description="≈ 45 swabs/group/h (#63)")
    hours: tuple[float, float] = Field(
        default=(7.0, 22.0), description="opening hours (clock); door-to-door in sealed zones 24 h"
    )
    setup_time: Dist = Field(description="hours to open the sampling points (4–6 h, #54)")
    absent_share: float = Field(default=0.02, ge=0, le=1)
    refuse_share: float = Field(default=0.005, ge=0, le=1)


class Lab(Strict):
    """A laboratory: machines that each run ``tubes_per_run`` tubes in ``run_time`` hours."""

    agent: str
    machines: PositiveInt = Field(le=100_000)
    tubes_per_run: PositiveInt = Field(default=94, le=100_000)
    run_time: Dist = Field(description="hours per machine run, extraction to result")

    @property
    def tubes_per_day(self) -> float:
        return self.machines * self.tubes_per_run * 24.0 / max(self.run_time.mean, 1e-9)


class Targeted(Strict):
    """Targeted screening rounds (重点区域筛查) of the area where a positive is found.

    The first ``trigger`` event of a person living in a township, community or
    compound (``scope``) orders rounds of all its residents, ``rounds_h`` hours
    after the order reaches the organiser; each area is ordered once.
    """

    trigger: Literal["case_confirmed", "lab_result_positive"] = "lab_result_positive"
    scope: Literal["township", "community", "compound"] = "community"
    rounds_h: list[float] = Field(
        default=[0.0], min_length=1, description="hours after the order each round starts"
    )
    groups: PositiveInt = Field(le=100_000, description="sampling groups of a targeted round")
    pool_size: Literal[1, 5, 10, 20] | None = Field(
        default=None, description="swabs per tube (default: the county rounds' pool size)"
    )


class MassTesting(Strict):
    """Area-wide rounds ordered by the command, and the zone cadence."""

    organiser: str = Field(description="agent that sets up each round (testing task force)")
    ordered_by: str | None = Field(
        default=None, description="agent whose order reaches the organiser by a declared handoff"
    )
    trigger: Literal["case_confirmed", "lab_result_positive"] = "case_confirmed"
    rounds_h: list[float] = Field(
        default=[0.0, 72.0], description="hours after the trigger each county round is ordered"
    )
    pool_size: Literal[1, 5, 10, 20] = 10
    household_pool_sealed: bool = Field(
        default=True, description="one tube per household in sealed zones (#55)"
    )
    zone_days: dict[str, list[int]] = Field(
        default_factory=lambda: {"sealed": [1, 4, 7, 10, 14], "controlled": [1, 4, 7]},
        description="test days of each zone level after sealing (#40)",
    )
    sampling: Sampling
    transport_time: Dist = Field(description="hours from a sampling hour's tubes to the lab")
    labs: list[Lab] = Field(min_length=1)
    sensitivity_by_day: list[float] = Field(
        default=SENSITIVITY_BY_DAY,
        min_length=1,
        description="probability a swab detects an infection, by day since infection",
    )
    targeted: Targeted | None = Field(
        default=None, description="rounds of the area where a positive is found"
    )

    @model_validator(mode="after")
    def _check(self) -> MassTesting:
        for level in self.zone_days:
            if level not in ("sealed", "controlled"):
                raise ValueError(f"zone_days: unknown level '{level}' (sealed or controlled)")
        if any(not 0 <= s <= 1 for s in self.sensitivity_by_day):
            raise ValueError("sensitivity_by_day values must be within [0, 1]")
        return self


class Params(Strict):
    individual: IndividualTest
    arrival_test: bool = Field(
        default=True,
        description="test the returnee at the checkpoint (when they entered before "
        "the start: the health-monitoring test at the start)",
    )
    premise_positive: bool = Field(
        default=True,
        description="each index case's premise test is positive whatever the sensitivity (the "
        "drill's premise)",
    )
    mass: MassTesting | None = None

    @model_validator(mode="after")
    def _curve(self) -> Params:
        curve = self.individual.sensitivity_by_day or []
        if any(not 0 <= v <= 1 for v in curve):
            raise ValueError("individual.sensitivity_by_day values must be within [0, 1]")
        return self

    def single_curve(self) -> list[float]:
        """Sensitivity by day of single tubes: their own, the mass rounds', or the default."""
        if self.individual.sensitivity_by_day is not None:
            return self.individual.sensitivity_by_day
        return self.mass.sensitivity_by_day if self.mass is not None else SENSITIVITY_BY_DAY


def check(params: Params, scn: Scenario) -> Iterator[tuple[Rel, str]]:
    a = params.individual
    yield from unknown_agents(
        scn, [(("individual", "sampler"), a.sampler), (("individual", "lab"), a.lab)]
    )
    m = params.mass
    if m is None:
        return
    refs: list[tuple[Rel, str]] = [(("mass", "organiser"), m.organiser)]
    refs += [(("mass", "sampling", "agents", i), x) for i, x in enumerate(m.sampling.agents)]
    refs += [(("mass", "labs", i, "agent"), lab.agent) for i, lab in enumerate(m.labs)]
    if m.ordered_by is not None:
        refs.append((("mass", "ordered_by"), m.ordered_by))
    yield from unknown_agents(scn, refs)
    if m.ordered_by is not None:
        yield from missing_handoffs(scn, ("mass", "ordered_by"), [m.ordered_by, m.organiser])
