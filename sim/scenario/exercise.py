"""The optional ``exercise:`` section: what the after-action report's overview says.

HSEEP's AAR opens with an exercise overview — name, dates, scope, mission area,
threat or hazard, the capabilities exercised, objectives, a scenario summary,
sponsor, participating organisations and a point of contact.  Most of these are
not in the simulation model, so a scenario may state them here; every field is
optional and the report falls back to what the scenario already says (its title,
its simulated period, its agents, its description).  ``contacts`` names the point
of contact (POC) of an organisation for the improvement plan.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field, model_validator

from sim.scenario.schema import Slug, Strict, Text


class Contact(Strict):
    """A point of contact: a person (or post) and how to reach them."""

    name: Text = Field(description="person or post, e.g. 'Wang Li, deputy director'")
    organization: Text | None = Field(default=None, description="whom they work for")
    phone: str | None = None
    email: str | None = None


class Exercise(Strict):
    """Exercise overview fields of the after-action report (all optional)."""

    name: Text | None = Field(default=None, description="exercise name; default: meta.title")
    start_date: dt.date | None = Field(
        default=None, description="first day of conduct; default: the simulated period"
    )
    end_date: dt.date | None = Field(default=None, description="last day of conduct")
    scope: Text | None = Field(
        default=None, description="type, extent and play; default: generated from the scenario"
    )
    mission_area: Text | None = Field(
        default=None, description="HSEEP mission area; default: Response"
    )
    threat_hazard: Text | None = Field(
        default=None, description="threat or hazard; default: the epidemic's strain"
    )
    summary: Text | None = Field(
        default=None, description="scenario summary; default: meta.description"
    )
    sponsor: Text | None = Field(
        default=None, description="sponsoring organisation; default: the top of the command"
    )
    organizations: list[Text] | None = Field(
        default=None, description="participating organisations; default: the scenario's agents"
    )
    poc: list[Contact] = Field(
        default_factory=list, description="exercise points of contact (overview)"
    )
    contacts: dict[Slug, Contact] = Field(
        default_factory=dict,
        description="agent id → its point of contact, for the improvement plan's POC column",
    )

    @model_validator(mode="after")
    def _dates(self) -> Exercise:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        if self.end_date and not self.start_date:
            raise ValueError("end_date needs start_date")
        return self
