"""The MSEL (master scenario events list): injects, decision points, spot-checks.

Kept import-light on purpose: :mod:`sim.scenario.model` imports the models in
:mod:`sim.injects.schema`, so this package must not import the engine at import
time.  The runtime lives in :mod:`sim.injects.msel`, live play in
:mod:`sim.injects.play` and :mod:`sim.injects.console`.
"""
