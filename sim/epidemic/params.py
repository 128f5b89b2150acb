"""Parameters of the Hellewell et al. (2020) transmission model, and its published presets.

The model is the branching process of Hellewell et al., "Feasibility of
controlling COVID-19 outbreaks by isolation of cases and contacts", Lancet
Global Health 8:e488–e496 (2020), as corrected in the R package ringbp 1.0.
Times are in days here; the drill coupling converts them to hours.  The same
parameter object drives ``drill epi`` (the model alone) and the transmission
of ``drill run`` (the model coupled to the response).
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, PositiveFloat, PositiveInt

from sim.scenario.limits import MAX_INITIAL_CASES, MAX_R0
from sim.scenario.schema import Strict

DELAYS: dict[str, tuple[float, float]] = {
    "short": (1.651524, 4.287786),  # onset to isolation, Weibull(shape, scale), mean ≈ 3.8 d
    "long": (2.305172, 9.483875),  # mean ≈ 8.4 d
}
"""Hellewell et al. 2020's onset-to-isolation delays (Weibull shape, scale in days)."""


class ModelParams(Strict):
    """One setting of the reference model (every share within [0, 1])."""

    r0: float = Field(default=2.5, ge=0, le=MAX_R0, description="mean community offspring per case")
    k: PositiveFloat = Field(default=0.16, description="negative-binomial dispersion")
    r0_isolated: float = Field(
        default=0.0, ge=0, le=MAX_R0, description="mean offspring after isolation"
    )
    initial_cases: PositiveInt = Field(default=20, le=MAX_INITIAL_CASES)
    traced: float = Field(default=0.0, ge=0, le=1, description="share of contacts traced")
    delay: Literal["short", "long"] = "short"
    presymptomatic: float = Field(
        default=0.15, ge=0, le=1, description="share of transmission before the infector's onset"
    )
    asymptomatic: float = Field(default=0.0, ge=0, le=1)
    quarantine: bool = False
    incubation_shape: PositiveFloat = 2.322737
    incubation_scale: PositiveFloat = 6.492272
    omega: PositiveFloat = Field(default=2.0, description="skew-normal scale of exposure times")
    latent_period: float = Field(
        default=0.0,
        ge=0,
        description="days: an offspring's exposure is redrawn until it is at least this long "
        "after its infector's (ringbp's latent_period; 0 in the 2020 paper)",
    )
    cap_cases: PositiveInt = 5000
    cap_max_days: PositiveFloat = 350.0
    shared_delay: bool = Field(
        default=False,
        description="one onset-to-isolation delay per generation and simulation, shared by "
        "the whole generation (the 2020 paper's code)",
    )
    floor_day1: bool = Field(
        default=False,
        description="an offspring's infection time is floored at day 1 instead of being "
        "redrawn before its infector's (the 2020 paper's code)",
    )

    @property
    def alpha(self) -> float:
        """Skew-normal shape α such that P(exposure < infector's onset) = ``presymptomatic``.

        For a skew normal located at the onset, P(X < location) = 1/2 − arctan(α)/π
        exactly (independent of ω), so α = tan(π (1/2 − p)); clipped to ±1e5 as
        ringbp's optimiser bounds do, for the shares 0 and 1.
        """
        p = min(max(self.presymptomatic, 1e-12), 1 - 1e-12)
        return float(max(-1e5, min(1e5, math.tan(math.pi * (0.5 - p)))))

    @property
    def isolation_delay(self) -> tuple[float, float]:
        return DELAYS[self.delay]


MODELS: dict[str, dict[str, bool | float]] = {
    "ringbp-1.0": {"shared_delay": False, "floor_day1": False},
    "hellewell-2020": {"shared_delay": True, "floor_day1": True, "cap_max_days": 365.0},
}
"""The published versions of the reference model: ringbp 1.0 (the corrected package) and
the code of the 2020 paper (ringbp commit a57bff9, ``R/outbreak_step.R`` and
``R/outbreak_setup.R``)."""


class Preset(Strict):
    """Strain-specific transmission parameters with the sources they come from."""

    r0: float
    k: PositiveFloat
    incubation_shape: PositiveFloat
    incubation_scale: PositiveFloat
    presymptomatic: float = Field(ge=0, le=1)
    asymptomatic: float = Field(ge=0, le=1)
    latent_period: float = Field(default=0.0, ge=0)
    omega: PositiveFloat = Field(
        default=2.0, description="skew-normal scale of exposure times (days; the paper's 2)"
    )
    household_attack: float | None = Field(default=None, ge=0, le=1)
    sources: str


PRESETS: dict[str, Preset] = {
    "hellewell2020": Preset(
        r0=2.5,
        k=0.16,
        incubation_shape=2.322737,
        incubation_scale=6.492272,
        presymptomatic=0.15,
        asymptomatic=0.0,
        sources="Hellewell et al. 2020 (central R0 2.5, k 0.16 from SARS; incubation "
        "Weibull from Backer et al. 2020, mean 5.8 d; 15% presymptomatic)",
    ),
    "delta": Preset(
        r0=5.08,
        k=0.4,
        incubation_shape=1.9,
        incubation_scale=4.96,  # mean 4.4 d
        presymptomatic=0.45,
        asymptomatic=0.25,
        sources="R0 5.08: Liu & Rocklöv 2021 J Travel Med 28:taab124; incubation mean 4.4 d: "
        "Backer et al. 2022 Euro Surveill 27(6):2200042; presymptomatic 0.45 after He et al. "
        "2020 Nat Med 26:672 (44%); k 0.4 and asymptomatic 0.25 are planning assumptions",
    ),
    "omicron_ba2": Preset(
        r0=8.2,
        k=0.4,
        incubation_shape=2.1,
        incubation_scale=4.449,  # mean 3.94 d, sd 1.97 d
        presymptomatic=0.25,
        asymptomatic=0.32,
        latent_period=1.0,
        omega=2.75,
        household_attack=0.85,
        sources="R0 8.2: Liu & Rocklöv 2022 J Travel Med 29:taac037 (Omicron mean); incubation "
        "mean 3.94 d, sd 1.97 d: Hangzhou BA.1.1 3.8 d (Xin et al. 2022 IJID 126:132), Beijing "
        "BA.2 median 4.0 d, IQR 3-6 (Du et al. 2022 Chin J Epidemiol 43:1364), Shanghai BA.2 4.6 d "
        "(Wei et al. 2023 Influenza Other Respir Viruses 17:e13097); latent period: a minimum "
        "generation time of 1 d, below the mean latent periods 2.65 d (Jiang et al. 2023 Chin J"
        " Prev Med 57:659) and 3.1 d (Xin et al. 2022); asymptomatic 0.32: Shang et al. 2022 "
        "Vaccines 10:1049 (32.4%; China 2022: 28.3%, Jiang et al. 2023); household_attack 0.85 "
        "per member over a whole infectious period (Poisson attempts while the case is at "
        "home): with the flagship's vaccination 0.74, between the US index cases not isolating "
        "(67.5%, Baker et al. 2022 MMWR 71:341) and the Shanghai lockdown households (77.1%, "
        "Wei et al. 2023), calibrated on seeds 1-50 of the flagship with point-to-point "
        "transfer to the realised BA.2 China household attack rate (42.9%, PMC10959284); omega "
        "2.75 d (skew-normal scale; the paper's 2 d gives an intrinsic generation time of 5.2 d"
        " at the same shape, below Manica et al. 2022's 6.84 d, 5.72-8.60; 2.75 d gives 5.75 "
        "d), presymptomatic 0.25 (skew-normal shape; intrinsic share before onset 0.20): "
        "calibrated on seeds 1-50 of the flagship to the realised pre-symptomatic share "
        "(33.6-57.2%: Xin et al. 2022, Manica et al. 2022 Lancet Reg Health Eur 19:100446, Wei "
        "et al. 2023) and serial interval (3.0-3.9 d); k 0.4: planning assumption, inside Hong "
        "Kong's Omicron 0.33 (0.17-0.62) (J Travel Med 2022 29:taac049)",
    ),
}
"""Named parameter sets; ``omicron_ba2`` is the flagship's (the strain of March 2022)."""
