"""Work priorities of staffed agents (lower is served first).

Kept apart from :mod:`sim.engine.agents` so that subject modules, which the
scenario schema imports, can name a priority without importing the engine.
"""

ABSENT, ROSTER = -1, 0
"""Absence (an inject removing staff) and the duty roster take staff before any work."""
URGENT, ROUTINE = 1, 2
"""An urgent task (a case report) goes ahead of queued routine work, never interrupting it."""
