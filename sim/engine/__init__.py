"""The engine: the clock (SimPy, in hours), random streams, staffed agents, the
population arrays and the event log — everything a replication runs on, and
nothing about any drill subject.  Subjects extend it through its documented
points: :func:`sim.engine.events.declare`, ``World.on``/``emit``,
``World.transmission_modifiers`` and ``World.subjects``.
"""
