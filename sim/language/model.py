"""The whole scenario model: the base schema with every registered subject's section."""

from __future__ import annotations

from pydantic import BaseModel, Field, create_model

from sim.epidemic.contacts import EpidemicParams
from sim.scenario.model import Scenario
from sim.scenario.schema import Strict
from sim.subjects.registry import REGISTRY

SubjectParams: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "SubjectParams",
    __base__=Strict,
    __doc__="Per-subject parameters, by subject name; a subject left out is not simulated.",
    **{
        name: (s.params | None, Field(default=None, description=f"{s.label.zh} {s.label.en}"))
        for name, s in REGISTRY.items()
    },
)

ScenarioModel: type[Scenario] = create_model(
    "ScenarioModel",
    __base__=Scenario,
    __doc__=Scenario.__doc__,
    subjects=(SubjectParams, Field(default_factory=SubjectParams)),
    epidemic=(EpidemicParams, Field(default_factory=EpidemicParams)),
)
"""The whole language: what :func:`load_scenario` validates a file against."""
