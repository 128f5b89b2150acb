"""The MSEL (master scenario events list) at run time: injects, decision points, spot-checks.

What an inject may say is part of the language (:mod:`sim.scenario.injects`);
:mod:`sim.injects.msel` delivers injects into a running World, and
:mod:`sim.injects.answers` reads a room's recorded answers.  Live play, which
runs whole drills, sits above in :mod:`sim.live`.
"""
