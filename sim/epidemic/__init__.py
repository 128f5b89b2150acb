"""Transmission: the Hellewell et al. (2020) / ringbp 1.0 model, alone and coupled to the drill.

- :mod:`sim.epidemic.params` — model parameters and strain presets (with sources).
- :mod:`sim.epidemic.reference` — many outbreaks at once, vectorised (``drill epi``).
- :mod:`sim.epidemic.validation` — the issue's reference settings; writes docs/validation.md.
- :mod:`sim.epidemic.plot` — p(control) against % contacts traced.
- :mod:`sim.epidemic.cli` — what ``drill epi`` does behind the typer command.
- :mod:`sim.epidemic.contacts` — the model inside ``drill run``: cases, offspring,
  contacts, isolation cuts, fever-clinic visits (per-person common random numbers).
"""
