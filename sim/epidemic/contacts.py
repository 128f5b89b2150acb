"""The reference transmission model coupled to the drill: who infects whom, and when.

The returnee is the initial case of the Hellewell et al. (2020) model
(:mod:`sim.epidemic.reference`); every infected traveller who comes through a
checkpoint (``infected_arrival``, checked or leaked) is an imported case of the
same kind.  Every case — imported or local — starts the same case process and
draws, once, from per-person common random numbers:
asymptomatic or not, an incubation period, a NegBin(R0, k) count of community
offspring and a NegBin(r0_isolated, k) count of isolated offspring, each
offspring's exposure time (skew normal located at the case's onset), setting
(household, work, venue, transport, community) and resident.  It also meets
uninfected true contacts in each setting, so tracing and quarantine carry a
realistic load.  Every exposure is a scheduled event: it happens only if the
case is not yet isolated (isolated offspring: only if it is), and only if a
per-exposure uniform is below ``world.transmission_factor``.  With a
``household_attack`` rate (the BA.2 preset), household transmission is not a
share of the NegBin count: each household member receives a Poisson number of
transmission attempts timed like offspring (a hazard while the case is at home)
and is infected at the first that succeeds, with that probability over a whole
infectious period.  The model's
abstract isolation delays are replaced by the response: a symptomatic case
seeks care at a fever clinic after an onset-to-presentation delay
(``test_requested`` with ``reason="fever_clinic"``) and is isolated when the
response isolates it (``world.isolated``), as are traced contacts.

Because every draw depends only on (seed, person, slot), an earlier isolation
removes the exposures after it and never adds an infection.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import Field, PositiveInt, model_validator
from scipy import special

from sim.epidemic.params import DELAYS, PRESETS, ModelParams
from sim.scenario.distributions import Dist, Gamma, Weibull
from sim.scenario.limits import MAX_R0
from sim.scenario.schema import Strict
from sim.scenario.settings import SETTINGS, check_settings

if TYPE_CHECKING:
    from sim.engine.log import Event
    from sim.engine.world import World

SUBJECT = "epidemic"
_TRIES = 32  # skew-normal redraws per offspring (P(all fail) is negligible)


class EpidemicParams(Strict):
    """The ``epidemic:`` section: strain preset, overrides, settings and contacts."""

    preset: Literal["hellewell2020", "delta", "omicron_ba2"] = Field(
        default="omicron_ba2", description="strain parameters (docs/model.md gives sources)"
    )
    r0: float | None = Field(default=None, ge=0, le=MAX_R0, description="overrides the preset's R0")
    k: float | None = Field(default=None, gt=0, description="overrides the preset's dispersion")
    presymptomatic: float | None = Field(default=None, ge=0, le=1)
    asymptomatic: float | None = Field(default=None, ge=0, le=1)
    r0_isolated: float = Field(
        default=0.0, ge=0, le=MAX_R0, description="mean offspring after isolation"
    )
    latent_period: float | None = Field(
        default=None, ge=0, le=60, description="overrides the preset's latent period (days)"
    )
    household_attack: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="overrides the preset's per-member household infection probability",
    )
    index_exposure_h: float = Field(
        default=-48.0, le=0, description="when the returnee was infected, hours before the start"
    )
    setting_share: dict[str, float] = Field(
        default_factory=lambda: {
            "household": 0.35,
            "work": 0.2,
            "venue": 0.2,
            "transport": 0.05,
            "community": 0.2,
        },
        description="share of offspring infected in each setting (sums to 1)",
    )
    contacts: dict[str, Dist] = Field(
        default_factory=dict,
        description="uninfected true contacts per case and setting (household: all members)",
    )
    presentation_delay: Dist | None = Field(
        default=None,
        description="hours from symptom onset to a fever-clinic visit (default: the model's "
        "short onset-to-isolation delay)",
    )
    max_cases: PositiveInt = Field(
        default=1000, le=100_000, description="stop generating cases beyond this"
    )

    @model_validator(mode="after")
    def _settings(self) -> EpidemicParams:
        check_settings(dict.fromkeys(self.contacts, 0.0), "contacts")
        check_settings(self.setting_share, "setting_share")
        if self.setting_share and abs(sum(self.setting_share.values()) - 1) > 1e-6:
            raise ValueError("setting_share must sum to 1")
        return self

    def model(self) -> ModelParams:
        """The reference-model parameters of this scenario (preset plus overrides)."""
        pre = PRESETS[self.preset]
        return ModelParams(
            r0=pre.r0 if self.r0 is None else self.r0,
            k=pre.k if self.k is None else self.k,
            r0_isolated=self.r0_isolated,
            initial_cases=1,
            presymptomatic=pre.presymptomatic
            if self.presymptomatic is None
            else self.presymptomatic,
            asymptomatic=pre.asymptomatic if self.asymptomatic is None else self.asymptomatic,
            incubation_shape=pre.incubation_shape,
            incubation_scale=pre.incubation_scale,
            omega=pre.omega,
            latent_period=pre.latent_period if self.latent_period is None else self.latent_period,
        )

    def household(self) -> float | None:
        """Per-member household infection probability (None: household is a share of R0)."""
        pre = PRESETS[self.preset]
        return pre.household_attack if self.household_attack is None else self.household_attack


def _count(dist: Any, u: float) -> int:
    """A contact count from one uniform (gamma by its fast incomplete-gamma inverse)."""
    if isinstance(dist, Gamma):
        shape = (dist.mean_ / dist.sd) ** 2
        value = special.gammaincinv(shape, u) * dist.sd**2 / dist.mean_
    else:
        value = dist.ppf(np.asarray([u]))[0]
    return max(0, round(float(value)))


_HOUSEHOLD_BASE = 1 << 19
"""Draw entities of household transmission (attempt i on member j: ``_HOUSEHOLD_BASE +
j * _ATTEMPTS + i``; member j's attempt count: entity j of stream ``household``)."""
_NEGBIN_TABLE = 2048
"""Offspring counts read from a cdf table (larger ones from scipy's ppf)."""
_ATTEMPTS = 64
"""Cap on transmission attempts per household member, 63 (the preset's mean is 2.1:
P(Poisson(2.1) ≥ 64) < 1e-60; even ``household_attack`` 1, mean 27.6, infects at the
first attempt after entry)."""


def install(world: World, params: EpidemicParams) -> None:
    """Make the returnee and every infected traveller a case when they arrive."""
    outbreak = Outbreak(world, params)
    world.on("returnee_arrival", outbreak.index_case)
    world.on("infected_arrival", outbreak.traveller)


class Outbreak:
    """The cases of one replication and the draws that decide their offspring."""

    def __init__(self, world: World, params: EpidemicParams):
        self.world = world
        self.p = params
        self.m = params.model()
        self.household_attack = params.household()
        shares = np.asarray([params.setting_share.get(s, 0.0) for s in SETTINGS])
        # with a household attack rate the NegBin count covers the other settings only
        self.r0_count = self.m.r0
        if self.household_attack is not None:
            self.r0_count = self.m.r0 * (1.0 - float(shares[0]))
            shares[0] = 0.0
            shares = shares / shares.sum() if shares.sum() > 0 else shares
        self.cum_share = np.cumsum(shares)
        # household transmission attempts per member over a whole infectious period:
        # Poisson with mean −ln(1 − household_attack) (so P(at least one) = household_attack)
        self.attempts_cdf = np.empty(0)
        if self.household_attack is not None and self.household_attack > 0:
            rate = -np.log1p(-min(self.household_attack, 1 - 1e-12))
            from scipy import stats  # deferred: scipy.stats costs ~1 s of CLI start-up

            self.attempts_cdf = stats.poisson.cdf(np.arange(_ATTEMPTS), rate)
        self.presentation = params.presentation_delay or Weibull(
            dist="weibull", shape=DELAYS["short"][0], scale=DELAYS["short"][1] * 24
        )
        self.capped = False
        self._nbinom_cdf: dict[float, np.ndarray] = {}

    # -- draws -----------------------------------------------------------------
    def u(self, name: str, person: int, idx: np.ndarray | int = 0, slot: int = 0) -> np.ndarray:
        """Per-person common random numbers ``epidemic/<name>``, one per ``idx``.

        The entity of a draw is (person, idx) packed as ``person << 20 | idx`` (a
        county has far fewer than 2**43 residents), so the ``idx``-th offspring or
        contact of a person always gets the same uniforms, whatever else happens.
        """
        ids = (np.int64(person) << np.int64(20)) + np.atleast_1d(np.asarray(idx, dtype=np.int64))
        return self.world.streams.uniform(f"epidemic/{name}", ids, slot)

    def u_many(self, name: str, person: int, n: int, base: int = 0) -> np.ndarray:
        """``n`` uniforms of ``person``, entities ``base … base + n − 1``."""
        if n == 0:
            return np.empty(0)
        return self.u(name, person, np.arange(base, base + n))

    def generation_hours(self, person: int, incubation_d: float, n: int, base: int) -> np.ndarray:
        """Exposure times (hours after the case's own) of ``n`` offspring, skew normal.

        A draw earlier than the latent period after the case's own exposure is
        redrawn (ringbp; latent period 0 by default), with the next slot.
        """
        return self._generation_at(person, incubation_d, base + np.arange(n))

    def _generation_at(self, person: int, incubation_d: float, ids: np.ndarray) -> np.ndarray:
        """:meth:`generation_hours` for draw entities ``ids`` of ``person``."""
        n = ids.size
        if n == 0:
            return np.empty(0)
        m = self.m
        alpha = m.alpha
        latent = m.latent_period
        delta = alpha / np.sqrt(1 + alpha * alpha)
        out = np.full(n, -1.0)
        todo = np.arange(n)
        for attempt in range(_TRIES):
            u0 = self.u("gt", person, ids[todo], slot=2 * attempt)
            u1 = self.u("gt", person, ids[todo], slot=2 * attempt + 1)
            z0, z1 = np.abs(special.ndtri(u0)), special.ndtri(u1)
            x = incubation_d + m.omega * (delta * z0 + np.sqrt(1 - delta * delta) * z1)
            out[todo] = x
            todo = todo[x < latent]
            if todo.size == 0:
                break
        return np.maximum(out, latent) * 24.0

    def household_attempts(
        self, case: int, incubation_d: float, home: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Transmission attempts on the household: (member, hours after the case's exposure,
        thinning uniform), one row per attempt.

        Household members share the home for the case's whole infectious period, so
        each is exposed continuously: attempts on a member are the points of a
        Poisson process whose intensity is the generation-time density times
        −ln(1 − ``household_attack``) — a Poisson number of attempts, each timed like
        an offspring.  The member is infected at the first attempt that finds the
        case at home (not isolated) and passes the measures' thinning, so over a
        whole infectious period P(infected) = ``household_attack`` (with a constant
        factor f: 1 − (1 − ``household_attack``)^f), and an infection comes at the
        earliest attempt, as in household transmission models (Cauchemez et al. 2004,
        *Stat Med* 23:3469; Manica et al. 2022).
        """
        if home.size == 0 or self.attempts_cdf.size == 0:
            return np.empty(0, dtype=np.int64), np.empty(0), np.empty(0)
        u_n = self.u_many("household", case, home.size)
        n = np.minimum(np.searchsorted(self.attempts_cdf, u_n, side="right"), _ATTEMPTS - 1)
        member = np.repeat(np.arange(home.size), n)
        ids = (
            _HOUSEHOLD_BASE
            + member * _ATTEMPTS
            + (np.arange(member.size) - np.repeat(np.cumsum(n) - n, n))
        )
        hours = self._generation_at(case, incubation_d, ids)
        return home[member], hours, self.u("thin", case, ids) if ids.size else np.empty(0)

    def _negbin(self, u: float, mean: float) -> int:
        """NegBin(mean, k) offspring count from one uniform: ``scipy.stats.nbinom.ppf``.

        The smallest n with cdf(n) ≥ u, read from a cdf table computed once per mean
        (scipy's ppf is the same search on the same cdf, at ~0.5 ms a call); a
        uniform beyond the table's last value falls back to scipy.
        """
        if mean <= 0:
            return 0
        k = self.m.k
        from scipy import stats  # deferred: scipy.stats costs ~1 s of CLI start-up

        cdf = self._nbinom_cdf.get(mean)
        if cdf is None:
            cdf = self._nbinom_cdf[mean] = stats.nbinom.cdf(
                np.arange(_NEGBIN_TABLE), k, k / (k + mean)
            )
        n = int(np.searchsorted(cdf, u, side="left"))
        if n < cdf.size:
            return n
        return int(stats.nbinom.ppf(u, k, k / (k + mean)))

    def _targets(self, case: int, setting: str, u: np.ndarray) -> np.ndarray:
        """Residents met in ``setting``, one per uniform (household, then community)."""
        pop = self.world.population
        if setting == "household":
            pool = pop.household_members(case)
            if pool.size == 0:
                pool = pop.community_members(int(pop.community[case]))
        elif setting in ("venue", "community"):
            pool = pop.community_members(int(pop.community[case]))
        else:
            pool = np.arange(pop.size)
        idx = np.minimum((u * pool.size).astype(np.int64), pool.size - 1)
        chosen = pool[idx]
        # a case never meets itself: step to the next resident of the pool
        if pool.size > 1:
            self_hit = chosen == case
            chosen[self_hit] = pool[(idx[self_hit] + 1) % pool.size]
        return chosen

    # -- processes -------------------------------------------------------------
    def index_case(self, arrival: Event) -> None:
        """An index case (the returnee or another): infected outside the county at its
        declared ``exposure_h``, by default ``index_exposure_h``.

        Exposures before it entered the county happened elsewhere; those between entry
        and now (an index case who entered before the drill) all happened: nobody was
        looking for it yet.  An inject's seeded case arrives the same way.
        """
        person = int(arrival.entity)
        if person in self.world.infected:
            return  # already a case (an inject may seed someone the chain reached)
        entered = float(arrival.details.get("entered_h", self.world.now))
        exposure = float(arrival.details.get("exposure_h", self.p.index_exposure_h))
        self.infect(person, "", "imported", exposure, entered)

    def traveller(self, arrival: Event) -> None:
        """An infected traveller through a checkpoint (checked or leaked): an imported case.

        It goes home like any arrival; exposures before it entered the county
        happened elsewhere.  Nothing else about it differs from a local case.
        """
        person = int(arrival.entity)
        if person in self.world.infected:
            return
        self.infect(
            person,
            "",
            "imported",
            float(arrival.details["exposure_h"]),
            self.world.now,
            checkpoint=arrival.details.get("checkpoint"),
            checked=arrival.details.get("checked"),
        )

    def traits(self, person: int) -> tuple[bool, float, int, int, float]:
        """(asymptomatic, incubation days, community and isolated offspring, presentation u).

        Entities 0..4 of the person's stream ``case``: drawn once, whatever happens.
        """
        m = self.m
        u_asym, u_inc, u_comm, u_iso, u_present = self.u("case", person, np.arange(5)).tolist()
        incubation_d = float(m.incubation_scale * (-np.log1p(-u_inc)) ** (1 / m.incubation_shape))
        return (
            u_asym < m.asymptomatic,
            incubation_d,
            self._negbin(u_comm, self.r0_count),
            self._negbin(u_iso, m.r0_isolated),
            u_present,
        )

    def infect(
        self,
        person: int,
        source: str,
        setting: str,
        exposure_h: float,
        entered: float | None = None,
        **details: Any,
    ) -> None:
        """Log the infection (with the case's onset and asymptomatic flag) and start the case.

        ``entered``: when an imported case entered the county (None: a local
        case, in the county since its exposure).
        """
        world = self.world
        traits = self.traits(person)
        world.infected[person] = exposure_h
        world.emit(
            "infection",
            SUBJECT,
            "",
            person,
            source=source,
            setting=setting,
            exposure_h=round(exposure_h, 6),
            onset_h=round(exposure_h + 24.0 * traits[1], 6),
            asymptomatic=traits[0],
            **details,
        )
        start = exposure_h if entered is None else max(exposure_h, entered)
        world.spawn(self.case(person, exposure_h, traits, start))

    def case(
        self,
        case: int,
        exposure_h: float,
        traits: tuple[bool, float, int, int, float],
        entered: float,
    ) -> Generator[Any, Any, None]:
        """One case: symptoms, care seeking, and every exposure it causes, in time order.

        Exposures before ``entered`` (an imported case still outside the county)
        are dropped; the household is met from ``entered`` on.
        """
        world = self.world
        asymptomatic, incubation_d, n_comm, n_iso, u_present = traits
        onset_h = exposure_h + 24.0 * incubation_d
        n_inf = n_comm + n_iso
        # infected offspring: setting and resident
        setting_idx = np.minimum(
            np.searchsorted(self.cum_share, self.u_many("setting", case, n_inf), side="right"),
            len(SETTINGS) - 1,
        )
        setting_idx[n_comm:n_inf] = 0  # after isolation only the household is within reach
        target_u = self.u_many("target", case, n_inf)
        people = np.zeros(n_inf, dtype=np.int64)
        for i, s in enumerate(SETTINGS):
            pick = setting_idx == i
            if pick.any():
                people[pick] = self._targets(case, s, target_u[pick])
        parts_p, parts_s = [people], [setting_idx]
        # uninfected true contacts, by setting (contact j of setting i is entity i << 12 | j)
        n_contacts = self.u("n_contacts", case, np.arange(len(SETTINGS)))
        for i, s in enumerate(SETTINGS):
            if s == "household":
                met_here = world.population.household_members(case)
            elif s in self.p.contacts:
                n = min(4095, _count(self.p.contacts[s], n_contacts[i]))
                u_t = self.u("contact", case, (i << 12) + np.arange(n)) if n else np.empty(0)
                met_here = self._targets(case, s, u_t)
            else:
                continue
            parts_p.append(met_here)
            parts_s.append(np.full(met_here.size, i))
        all_p = np.concatenate(parts_p).astype(np.int64)
        all_s = np.concatenate(parts_s)
        n_all = all_p.size
        all_t = exposure_h + self.generation_hours(case, incubation_d, n_all, 0)
        # the household shares the home from the start (an imported case's: from entry)
        n_home = parts_p[1].size if len(parts_p) > 1 and parts_s[1][:1].tolist() == [0] else 0
        all_t[n_inf : n_inf + n_home] = entered
        thin = self.u_many("thin", case, n_all)  # entities: offspring, then contacts
        # kind: 0 community offspring, 1 isolated offspring, 2 uninfected contact
        kind = np.full(n_all, 2)
        kind[:n_comm] = 0
        kind[n_comm:n_inf] = 1
        if self.household_attack is not None:
            # household members: transmission attempts while the case is at home
            h_p, h_t, h_u = self.household_attempts(
                case, incubation_d, world.population.household_members(case)
            )
            if h_p.size:
                all_p = np.concatenate([all_p, h_p])
                all_s = np.concatenate([all_s, np.zeros(h_p.size, dtype=all_s.dtype)])
                all_t = np.concatenate([all_t, exposure_h + h_t])
                kind = np.concatenate([kind, np.zeros(h_p.size, dtype=kind.dtype)])
                thin = np.concatenate([thin, h_u])
        if not asymptomatic:
            world.spawn(self._symptoms(case, onset_h, u_present))
        order = np.argsort(all_t, kind="stable")
        met: set[int] = set()
        env = world.env
        for t, person, si, k, u_thin in zip(
            all_t[order].tolist(),
            all_p[order].tolist(),
            all_s[order].tolist(),
            kind[order].tolist(),
            thin[order].tolist(),
            strict=True,
        ):
            if t < entered:
                continue  # before an imported case's arrival: outside the county
            if t > env.now:
                yield env.timeout(t - env.now)
            if (k == 1) != (case in world.isolated) or person == case:
                continue
            setting = SETTINGS[si]
            # the household shares the home: its members are met whatever measure is in
            # force (a vaccinated member is a close contact); measures thin transmission
            if world.transmission_modifiers and (k != 2 or si != 0):
                # a measure on either side (a sealed case, a sealed contact) stops the contact
                factor = world.transmission_factor(np.asarray([case, person]), setting).min()
                if u_thin >= factor:
                    continue
            if person not in met:
                met.add(person)
                world.emit(
                    "contact_exposed", SUBJECT, "", person, source=str(case), setting=setting
                )
            if k == 2 or person in world.infected:
                continue
            if len(world.infected) >= self.p.max_cases:
                if not self.capped:
                    self.capped = True
                    world.emit("case_cap_reached", SUBJECT, "", person, cases=len(world.infected))
                continue
            self.infect(person, str(case), setting, t)

    def _symptoms(self, case: int, onset_h: float, u: float) -> Generator[Any, Any, None]:
        """Symptom onset, then a fever-clinic visit unless the case is isolated by then."""
        world = self.world
        if onset_h > world.now:
            yield world.env.timeout(onset_h - world.now)
        world.emit("symptom_onset", SUBJECT, "", case, onset_h=round(onset_h, 6))
        delay = float(self.presentation.ppf(np.asarray([u]))[0])
        # routine prevention (fever clinics, temperature checks) shortens the delay
        delay *= world.policy.care_seeking_factor
        # an onset before the drill started: the visit is due that long after the onset
        yield world.env.timeout(max(0.0, onset_h + delay - world.now))
        if case not in world.isolated:
            world.emit("test_requested", SUBJECT, "", case, reason="fever_clinic")
