"""Staffed agents: finite staff queue the work; off-duty hours delay it."""

from __future__ import annotations

from sim.engine.world import World


def _world(flagship, **agent_changes):
    agents = dict(flagship.agents)
    for aid, changes in agent_changes.items():
        agents[aid] = agents[aid].model_copy(update=changes)
    return World(flagship.model_copy(update={"agents": agents}), seed=1)


def test_staff_limit_queues_tasks(flagship) -> None:
    world = _world(
        flagship,
        cdc=flagship.agents["cdc"].model_copy(update={"staff": 2}).model_dump() and {"staff": 2},
    )
    for i in range(4):
        world.spawn(world.agents["cdc"].work("reporting", "verification", str(i), 1.0))
    world.env.run(until=1.0)  # 08:00–09:00: on duty
    world.env.run(until=3.0)
    ends = sorted(e.t for e in world.log.of("task_end"))
    assert ends == [1.0, 1.0, 2.0, 2.0]
    waits = sorted(e.details["wait_h"] for e in world.log.of("task_start"))
    assert waits == [0.0, 0.0, 1.0, 1.0]


def test_work_arriving_at_night_waits_for_the_duty_roster(flagship) -> None:
    from sim.scenario.schema import Duty

    world = _world(flagship, cdc={"staff": 3, "duty": Duty(hours=(8, 18), off_duty_staff=0)})

    def late():
        yield world.env.timeout(12.0)  # 20:00, after the CDC's day shift
        yield from world.agents["cdc"].work("reporting", "verification", "x", 1.0)

    world.spawn(late())
    world.env.run(until=30)
    start = world.log.first("task_start")
    assert start.t == 24.0  # 08:00 next morning
    assert start.details["wait_h"] == 12.0


def test_duty_officer_works_at_night(flagship) -> None:
    from sim.scenario.schema import Duty

    world = _world(flagship, cdc={"staff": 3, "duty": Duty(hours=(8, 18), off_duty_staff=1)})

    def late(i):
        yield world.env.timeout(12.0)
        yield from world.agents["cdc"].work("reporting", "verification", str(i), 1.0)

    world.spawn(late(0))
    world.spawn(late(1))
    world.env.run(until=30)
    assert [e.t for e in world.log.of("task_start")] == [12.0, 13.0]
