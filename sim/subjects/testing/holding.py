"""Members of a positive pool are held at home until their single-tube retest.

While held, a person keeps only household contacts (a transmission modifier the
epidemic applies to every would-be exposure); a negative retest releases them.
A positive one starts the case process like any other positive result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.engine.log import Event
    from sim.engine.world import World


class Holding:
    """The hold on positive pools' members, read from ``population.held``."""

    def __init__(self, world: World):
        self.world = world

    def release(self, event: Event) -> None:
        """A negative pool retest ends the hold (subscribed to ``lab_result_negative``)."""
        if event.details.get("reason") == "pool_retest":
            self.world.population.held[int(event.entity)] = False

    def modifier(self, persons: np.ndarray, setting: str, t: float) -> np.ndarray:
        """A held pool member keeps only household contacts until the retest is negative."""
        held = self.world.population.held[np.asarray(persons, dtype=np.int64)]
        if setting == "household":
            return np.ones(held.shape)
        return np.where(held, 0.0, 1.0)
