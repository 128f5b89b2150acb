"""Index cases (指示病例): the infected people an outbreak starts from.

A scenario declares any number of them (``subjects.traffic_control.index_cases``)
and an inject can seed one more while the drill runs (effect ``seed_case``).
Each has a home community, an origin, when it entered the county and when it was
infected, and how the drill's premise has it found: the arrival test at a
checkpoint, the health-monitoring test, a fever-clinic visit or a screening round
at a given hour, or nothing — then only the model's own processes (symptoms, a
round, tracing) can find it.  Every index case arrived infected: it is an
*imported* case.  The models live here, below the subjects and the inject
schema, because both use them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from sim.scenario.schema import Strict, Text

FoundBy = Literal["arrival_test", "health_monitoring", "fever_clinic", "screening", "none"]
"""How the premise has an index case found (``none``: the model must find it)."""

PREMISE_REASON: dict[str, str] = {
    "arrival_test": "arrival",
    "health_monitoring": "health_monitoring",
    "fever_clinic": "fever_clinic",
    "screening": "screening",
}
"""The ``test_requested`` reason of each premise test."""


class IndexCase(Strict):
    """One index case of the scenario (返乡人员 or another infected arrival)."""

    label: Text | None = Field(
        default=None, description="how the scenario names this person (reports use it)"
    )
    community: str = Field(description="home community as 'township/community'")
    origin: str = Field(default="medium/high-risk area", description="where they came from")
    risk_level: str | None = Field(
        default=None,
        description="the origin's risk level: picks the point-to-point rule "
        "(traffic_control.point_to_point.rules) when they pass a checkpoint",
    )
    arrival_h: float = Field(
        ge=-336,
        description="hours after the start when they enter the county (negative: before "
        "the start; exposures since entry all happened)",
    )
    exposure_h: float | None = Field(
        default=None,
        description="hours after the start when they were infected, before arrival "
        "(default: epidemic.index_exposure_h)",
    )
    checkpoint: str | None = Field(
        default=None, description="the road checkpoint they enter by (record only)"
    )
    found_by: FoundBy | None = Field(
        default=None,
        description="how the premise has them found; default: arrival_test when arrival_h "
        "≥ 0, health_monitoring otherwise",
    )
    found_h: float | None = Field(
        default=None,
        ge=0,
        description="hour of the premise test (fever_clinic, screening; health_monitoring: "
        "default the later of the start and the arrival)",
    )

    @model_validator(mode="after")
    def _found(self) -> IndexCase:
        by = self.how_found
        if self.exposure_h is not None and self.exposure_h > self.arrival_h:
            raise ValueError("exposure_h is after arrival_h: an index case arrives infected")
        if by == "arrival_test":
            if self.arrival_h < 0:
                raise ValueError("found_by arrival_test needs arrival_h ≥ 0 (a checkpoint)")
            if self.found_h is not None:
                raise ValueError("found_h is the arrival itself with found_by arrival_test")
        elif by in ("fever_clinic", "screening") and self.found_h is None:
            raise ValueError(f"found_by {by} needs found_h (the hour of the premise test)")
        elif by == "none" and self.found_h is not None:
            raise ValueError("found_h needs a found_by other than none")
        if self.found_h is not None and self.found_h < self.arrival_h:
            raise ValueError("found_h is before arrival_h")
        return self

    @property
    def how_found(self) -> str:
        """``found_by`` or its default (arrival test on arrival, else health monitoring)."""
        if self.found_by is not None:
            return self.found_by
        return "arrival_test" if self.arrival_h >= 0 else "health_monitoring"
