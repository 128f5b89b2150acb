"""What a drill subject (推演科目) is: one declaration that everything else reads.

Each subject module ends with one :class:`Subject`: its name and labels, the
model of its scenario section, the checks pydantic cannot do, ``install`` (its
SimPy processes and subscriptions; what it returns is the subject's state, kept
in ``world.subjects[name]``), an optional ``reconfigure`` for decisions taken
during play, its summary section, the subjects it needs, the event kinds it
logs and the words that show a phoned agent knows its duty.  The registry
(:mod:`sim.subjects.registry`) lists the declarations; the scenario language,
the name tables, the keyword lists, the summary and the field reference are all
derived from it, so adding a subject is one module and one registry line.

Subjects talk to each other only through events and the World's typed shared
state (:class:`sim.engine.world.Policy`, the population's arrays), never through
each other's modules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel

from sim.engine.events import declare
from sim.scenario.checks import Rel
from sim.scenario.schema import Ratings, Text

if TYPE_CHECKING:
    from sim.engine.log import EventLog
    from sim.engine.world import World
    from sim.scenario.model import Scenario

P = TypeVar("P", bound=BaseModel)


def _no_problems(params: Any, scn: Scenario) -> Iterable[tuple[Rel, str]]:
    return ()


@dataclass(frozen=True)
class Section:
    """A subject's section of ``summary.json``: present when the run logged ``when``."""

    key: str
    when: str
    build: Callable[[Scenario, EventLog], dict[str, Any]]


@dataclass(frozen=True)
class Subject(Generic[P]):
    """One drill subject, declared once (see the module docstring)."""

    name: str
    order: int
    """The subject's place in the drill's list of subjects (seed 001: 1 … 9); people
    read subjects in this order, while the registry's order is the install order."""
    label: Text
    params: type[P]
    install: Callable[[World, P], Any]
    check: Callable[[P, Scenario], Iterable[tuple[Rel, str]]] = _no_problems
    reconfigure: Callable[[World, Any, P], None] | None = None
    """``(world, state, new params)``: follow a decision taken while the drill runs."""
    summary: Section | None = None
    requires: tuple[str, ...] = ()
    """Subjects whose events this one cannot work without."""
    events: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """The event kinds this subject logs: kind → (zh, en) label."""
    keywords: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Words (by language) that show a spot-checked agent knows this subject's duty."""

    def __post_init__(self) -> None:
        declare(self.name, dict(self.events))


def rated_time(achieved: float | None, standard: float, ratings: Ratings) -> dict[str, Any]:
    """A summary section's rated time standard: hours achieved against ``standard``."""
    return {
        "standard_h": standard,
        "achieved_h": None if achieved is None else round(achieved, 4),
        "rating": ratings.rate(achieved, standard),
    }
