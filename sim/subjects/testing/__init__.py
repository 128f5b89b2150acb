"""核酸检测 nucleic-acid testing: single tubes on request, and area-wide mass rounds.

The subject is split by job: :mod:`.params` (its scenario section),
:mod:`.single` (single tubes), :mod:`.rounds` (ordering and sampling logistics),
:mod:`.pooling` (pooling arithmetic), :mod:`.labs` (machine runs),
:mod:`.holding` (positive pools held at home) and :mod:`.summary`.

**Single tubes.** Any subject asks for a test by logging ``test_requested``
(entity = person, ``reason`` = arrival, fever_clinic, quarantine_day_N,
pool_retest, ...).  A sampler of the testing task force swabs the person, the
tube travels to a laboratory and joins a run of its machines like the pooled
tubes (urgent tubes first), and ``lab_result_positive`` or
``lab_result_negative`` is logged with the same reason; a swab detects with the
sensitivity of its day since infection.
A positive result starts the reporting chain.  The arrival test (落地核酸) at the
first landing point is requested here when the returnee passes the checkpoint.

**Mass rounds (全员核酸检测).** After the first confirmed case the command orders
area-wide rounds (``mass.rounds_h``), and every sealed or controlled zone gets
its own rounds on the days of its cadence (#40).  A round is bulk work on the
population arrays: sampling groups work through the covered residents hour by
hour in opening hours (sealed first, then controlled, then the rest), swabs are
pooled (``pool_size``; one tube per household in sealed zones, #55), tubes travel
to laboratories with a finite number of machines, and each machine run returns
its tubes.  A positive pool's members are held at home and re-sampled in single
tubes (reason ``pool_retest``), so the people found enter reporting, tracing and
treatment as ordinary ``lab_result_positive`` events.  A swab detects an infected
person with a probability that depends on days since infection; absent and
refusing residents are missed.  Events are per round, per sampling hour, per
machine run and per positive pool — never one per resident.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sim.scenario.checks import community_ids
from sim.scenario.schema import Text
from sim.subjects.base import Section, Subject
from sim.subjects.testing.labs import LabRunner
from sim.subjects.testing.params import Params, check
from sim.subjects.testing.rounds import MassTestingService
from sim.subjects.testing.single import NAME, individual_test, returnee_test
from sim.subjects.testing.summary import summarize

if TYPE_CHECKING:
    from sim.engine.log import Event
    from sim.engine.world import World

__all__ = ["SUBJECT", "MassTestingService", "Params"]


@dataclass
class TestingState:
    """Single tubes taken per person (the n-th gets its own draw), and the mass rounds."""

    tests: dict[int, int] = field(default_factory=dict)
    mass: MassTestingService | None = None


def install(world: World, params: Params) -> TestingState:
    state = TestingState()
    if params.arrival_test:
        world.on("returnee_arrival", lambda e: returnee_test(world, e))
    if params.mass is not None:
        state.mass = MassTestingService(world, params.mass)
        state.mass.install()
    # single tubes run on the machines of their laboratory when it has machines
    machines = {lab.spec.agent: lab for lab in state.mass.labs} if state.mass else {}
    lab = machines.get(params.individual.lab)
    curve = params.single_curve()
    world.on(
        "test_requested",
        lambda e: individual_test(
            world, params.individual, state.tests, e, lab, curve, params.premise_positive
        ),
    )
    world.on("machines_changed", lambda e: _machines(machines, e))
    if state.mass is None:  # no mass rounds: a large group is tested in single tubes
        world.on("screening_ordered", lambda e: _single_tubes(world, e))
    return state


def _single_tubes(world: World, event: Event) -> None:
    """A group's test request where no pooled round can be run: one tube each."""
    pop = world.population
    community = community_ids(world.scenario.region).index(event.details["community"])
    gen = world.streams.gen(str(event.details["draw"]))
    for person in pop.draw(pop.community_members(community), int(event.details["people"]), gen):
        world.emit("test_requested", NAME, event.agent, int(person), reason=event.details["reason"])


def _machines(labs: dict[str, LabRunner], event: Event) -> None:
    """An inject's machine failure or reinforcement reaches the laboratory's machines."""
    lab = labs.get(event.agent)
    if lab is not None:
        lab.set_machines(int(event.details["machines"]))


SUBJECT: Subject[Params] = Subject(
    name=NAME,
    order=8,
    label=Text(zh="核酸检测", en="testing"),
    params=Params,
    install=install,
    check=check,
    summary=Section("mass_testing", "mass_round_start", summarize),
    events={
        "test_requested": ("申请核酸检测", "test requested"),
        "sample_taken": ("采样", "sample taken"),
        "lab_result_positive": ("核酸检测阳性", "positive test result"),
        "lab_result_negative": ("核酸检测阴性", "negative test result"),
        "mass_round_start": ("全员核酸检测轮次开始", "mass-testing round started"),
        "targeted_round_ordered": ("下达重点区域筛查", "targeted screening round ordered"),
        "mass_sampling_hour": ("时段采样完成", "sampling hour done"),
        "mass_level_sampled": ("区域采样完成", "zone level sampled"),
        "mass_sampling_done": ("本轮采样完成", "round sampling done"),
        "lab_run": ("实验室批次检测", "laboratory run"),
        "pool_positive": ("混采阳性", "positive pool"),
        "mass_round_complete": ("全员核酸检测轮次完成", "mass-testing round complete"),
    },
    keywords={
        "zh": ("核酸", "采样", "检测", "混采", "送检"),
        "en": ("test", "swab", "sample", "pcr", "pool"),
    },
)
