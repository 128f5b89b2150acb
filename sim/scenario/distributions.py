"""Delay and count distributions written as data in the scenario, never as code.

Every distribution samples by inverse CDF from uniforms (:meth:`Dist.ppf`), so the
engine can feed it either a stream's uniforms or per-person common random numbers
(see :mod:`sim.engine.rng`) and get the same kind of draw.  Times are hours.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, model_validator
from pydantic.functional_validators import BeforeValidator
from scipy import special

_Z95 = float(special.ndtri(0.95))


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    def ppf(self, u: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def sample(self, rng: np.random.Generator, size: int | None = None) -> Any:
        """Draw from ``rng``; a scalar float when ``size`` is None."""
        u = rng.random(size)
        out = self.ppf(np.asarray(u, dtype=float))
        return float(out) if size is None else out

    @property
    def mean(self) -> float:  # pragma: no cover - abstract
        raise NotImplementedError


class Fixed(_Dist):
    """Always the same value."""

    dist: Literal["fixed"] = "fixed"
    value: float = Field(ge=0)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return np.full(np.shape(u), self.value, dtype=float)

    @property
    def mean(self) -> float:
        return self.value


class Uniform(_Dist):
    dist: Literal["uniform"]
    low: float = Field(ge=0)
    high: float

    @model_validator(mode="after")
    def _order(self) -> Uniform:
        if self.high <= self.low:
            raise ValueError("uniform needs high > low")
        return self

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return self.low + (self.high - self.low) * np.asarray(u)

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2


class Triangular(_Dist):
    dist: Literal["triangular"]
    low: float = Field(ge=0)
    mode: float
    high: float

    @model_validator(mode="after")
    def _order(self) -> Triangular:
        if not (self.low <= self.mode <= self.high) or self.high <= self.low:
            raise ValueError("triangular needs low <= mode <= high and low < high")
        return self

    def ppf(self, u: np.ndarray) -> np.ndarray:
        u = np.asarray(u, dtype=float)
        span = self.high - self.low
        c = (self.mode - self.low) / span
        rising = self.low + np.sqrt(u * span * (self.mode - self.low))
        falling = self.high - np.sqrt((1 - u) * span * (self.high - self.mode))
        return np.where(u < c, rising, falling)

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3


class Exponential(_Dist):
    dist: Literal["exponential"]
    mean_: PositiveFloat = Field(alias="mean")

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return -self.mean_ * np.log1p(-np.asarray(u))

    @property
    def mean(self) -> float:
        return self.mean_


class LogNormal(_Dist):
    """Log-normal given by its median and 95th percentile (how planners state delays)."""

    dist: Literal["lognormal"]
    median: PositiveFloat
    p95: PositiveFloat

    @model_validator(mode="after")
    def _order(self) -> LogNormal:
        if self.p95 <= self.median:
            raise ValueError("lognormal needs p95 > median")
        return self

    @property
    def sigma(self) -> float:
        return math.log(self.p95 / self.median) / _Z95

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return self.median * np.exp(self.sigma * special.ndtri(np.asarray(u)))

    @property
    def mean(self) -> float:
        return self.median * math.exp(self.sigma**2 / 2)


class Gamma(_Dist):
    dist: Literal["gamma"]
    mean_: PositiveFloat = Field(alias="mean")
    sd: PositiveFloat

    def ppf(self, u: np.ndarray) -> np.ndarray:
        shape = (self.mean_ / self.sd) ** 2
        return special.gammaincinv(shape, np.asarray(u, dtype=float)) * (self.sd**2 / self.mean_)

    @property
    def mean(self) -> float:
        return self.mean_


class Weibull(_Dist):
    dist: Literal["weibull"]
    shape: PositiveFloat
    scale: PositiveFloat

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return self.scale * (-np.log1p(-np.asarray(u))) ** (1 / self.shape)

    @property
    def mean(self) -> float:
        return self.scale * math.gamma(1 + 1 / self.shape)


def _number_is_fixed(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return {"dist": "fixed", "value": value}
    if isinstance(value, dict) and "dist" not in value:
        raise ValueError(
            "a distribution needs 'dist' (one of fixed, uniform, triangular, "
            "exponential, lognormal, gamma, weibull) or a plain number"
        )
    return value


Dist = Annotated[
    Fixed | Uniform | Triangular | Exponential | LogNormal | Gamma | Weibull,
    Field(discriminator="dist"),
    BeforeValidator(_number_is_fixed),
]
"""A distribution field: ``{dist: lognormal, median: 2, p95: 6}`` or a plain number."""
