"""The nine drill subjects, one module each; see :mod:`sim.subjects.registry`."""
