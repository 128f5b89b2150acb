"""Epidemiological quantities read off event logs, to set beside field data.

Every estimator reads only the event log of a replication (the log is the
truth) and returns per-run sums, so that many runs pool by adding and a
bootstrap over runs gives the interval.  The estimators are those of field
studies, applied to the simulated line list:

- **incubation period** of symptomatic cases with known exposure (every case's
  exposure is known here); an onset after the end of the run is *censored* at
  the end, and the mean comes from a Weibull fitted by maximum likelihood with
  right censoring (dropping censored cases would bias it short);
- **serial interval**: onset of a symptomatic infectee minus onset of its
  symptomatic infector, written as (infectee's exposure − infector's onset) +
  the infectee's incubation period: the first part is averaged over every
  pair whose infector was isolated during the run (a confirmed case, as in a
  field line list; its transmission is complete) and whose infector's onset
  falls inside the run (pairs whose infector's onset is after the end are
  counted and left out), the second is the censored
  incubation mean above — the infectee's incubation does not depend on when it
  was infected, and most infectees' onsets fall after a 14-day run;
- **household attack rate**: household members of a household's first case
  (household contacts logged as ``contact_exposed`` in the household setting)
  infected after it during the run, over those members, for first cases that
  were isolated during the run (their follow-up is complete) *after their
  symptom onset* — the index cases of household transmission studies, found
  ill in the community.  The same ratio over every first case isolated during
  the run (found before onset too: the returnee at the monitoring test,
  travellers at the checkpoint, contacts in quarantine) is reported beside it.
  A risk-area arrival handed over point to point (``arrival_quarantine``) is no
  index case: held at the check, when a case meets its household, it meets a
  member later only through an attempt that reaches them, so its household's
  denominator is not in the log (and a field household study's index cases
  are not arrivals in quarantine);
- **pre-symptomatic share** (realised): infections by a symptomatic infector
  that happened before the infector's onset, over all infections by symptomatic
  infectors, for infectors isolated during the run — the infectors of a field
  line list are confirmed cases whose transmission has ended; an infector still
  at large at the end is left out (its infections after the end, mostly after its
  onset, are unobserved, which would bias the share up);
- *isolated* means isolated for transmission (:func:`isolation_times`): a home
  quarantine logged as not compliant does not count, the person still goes out;
- **realised generation time**: infectee's exposure minus infector's;
- **infections by travellers**: infections whose infector is an imported case
  other than the returnee;
- **close contacts per case**: people identified as contacts over cases confirmed;
- **found in quarantine**: confirmed cases whose positive test was a
  quarantine test or who were isolated before their first positive result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from scipy import optimize, special

from sim.epidemic.reference import generation_times

if TYPE_CHECKING:
    from sim.engine.log import EventLog
    from sim.epidemic.params import ModelParams


@dataclass
class RunFacts:
    """What one run contributes to each estimator."""

    incubation_d: list[float] = field(default_factory=list)  # observed incubation periods
    incubation_censored_d: list[float] = field(default_factory=list)  # exposure to end
    serial_offset_d: list[float] = field(default_factory=list)  # infectee exposure − infector onset
    serial_dropped: int = 0  # pairs whose infector's onset is after the end
    generation_d: list[float] = field(default_factory=list)
    household_members: int = 0  # first cases isolated after their onset
    household_infected: int = 0
    household_members_all: int = 0  # every first case isolated during the run
    household_infected_all: int = 0
    by_symptomatic: int = 0  # infections by symptomatic infectors isolated during the run
    before_onset: int = 0
    by_travellers: int = 0
    imported: int = 0
    local: int = 0
    contacts_identified: int = 0
    cases_confirmed: int = 0
    found_in_quarantine: int = 0


def run_facts(log: EventLog, end_h: float) -> RunFacts:
    """The estimators' inputs from one replication's log (run length ``end_h`` hours)."""
    f = RunFacts()
    infections = log.of("infection")
    exposure = {e.entity: float(e.details["exposure_h"]) for e in infections}
    onset = {
        e.entity: float(e.details["onset_h"])
        for e in infections
        if not e.details.get("asymptomatic", False)
    }
    setting = {e.entity: e.details["setting"] for e in infections}
    source = {e.entity: str(e.details["source"]) for e in infections}
    returnee = {e.entity for e in log.of("returnee_arrival")}
    isolated = isolation_times(log)
    held = {e.entity for e in log.of("arrival_quarantine")}
    for person, t_exp in exposure.items():
        if setting[person] == "imported":
            f.imported += 1
        else:
            f.local += 1
        if person in onset:
            if onset[person] <= end_h:
                f.incubation_d.append((onset[person] - t_exp) / 24.0)
            else:
                f.incubation_censored_d.append((end_h - t_exp) / 24.0)
        src = source[person]
        if not src:
            continue
        f.generation_d.append((t_exp - exposure[src]) / 24.0)
        if setting[src] == "imported" and src not in returnee:
            f.by_travellers += 1
        if src in onset:
            if src in isolated:
                f.by_symptomatic += 1
                f.before_onset += int(t_exp < onset[src])
            if person in onset and src in isolated:
                if onset[src] <= end_h:
                    f.serial_offset_d.append((t_exp - onset[src]) / 24.0)
                else:
                    f.serial_dropped += 1
    # household attack rate among the households' first cases, isolated during the run
    members: dict[str, set[str]] = {}
    for e in log.of("contact_exposed", setting="household"):
        members.setdefault(str(e.details["source"]), set()).add(e.entity)
    for case, home in members.items():
        if case not in isolated or case in held:
            continue
        t0 = exposure[case]
        if any(exposure.get(m, np.inf) < t0 for m in home):
            continue  # not the household's first case
        infected = sum(1 for m in home if m in exposure)
        f.household_members_all += len(home)
        f.household_infected_all += infected
        if onset.get(case, np.inf) < isolated[case]:
            f.household_members += len(home)
            f.household_infected += infected
    f.contacts_identified = len({e.entity for e in log.of("contact_identified")})
    confirmed = {e.entity for e in log.of("case_confirmed")}
    f.cases_confirmed = len(confirmed)
    first_positive: dict[str, tuple[float, str]] = {}
    for e in log.of("lab_result_positive"):
        first_positive.setdefault(e.entity, (e.t, str(e.details.get("reason", ""))))
    for person in confirmed:
        t_pos, reason = first_positive.get(person, (np.inf, ""))
        quarantined = isolated.get(person, np.inf) < t_pos
        f.found_in_quarantine += int(reason.startswith("quarantine") or quarantined)
    return f


ISOLATING = ("isolated", "moved_to_central", "home_quarantine_breach_found")
"""Events from which a person no longer transmits in the community: an ``isolated``
that is not a non-compliant home quarantine, a move to a central room, a home
quarantine breach found (the person is secured at home)."""


def isolation_times(log: EventLog) -> dict[str, float]:
    """When each person was first isolated for transmission purposes.

    An ``isolated`` event of a home quarantine with ``compliant`` false does not
    count: the person still goes out and transmits (``world.isolated`` is not set)
    until a check finds the breach, a central room or the hospital takes them.
    """
    first: dict[str, float] = {}
    for e in log.among(*ISOLATING):
        if e.kind == "isolated" and e.details.get("compliant") is False:
            continue
        first.setdefault(e.entity, e.t)
    return first


def weibull_mean_censored(observed: np.ndarray, censored: np.ndarray) -> float:
    """Mean of a Weibull fitted by maximum likelihood to observed and right-censored times."""
    x = np.maximum(observed, 1e-6)
    c = np.maximum(censored, 1e-6)
    if x.size < 2:
        return float("nan")

    def nll(theta: np.ndarray) -> float:
        shape, scale = np.exp(theta)
        z = x / scale
        ll = np.sum(np.log(shape / scale) + (shape - 1) * np.log(z) - z**shape)
        ll -= np.sum((c / scale) ** shape)
        return float(-ll)

    start = np.log([1.5, float(np.mean(x))])
    res = optimize.minimize(nll, start, method="Nelder-Mead", options={"xatol": 1e-6})
    shape, scale = np.exp(res.x)
    return float(scale * special.gamma(1 + 1 / shape))


def estimates(facts: list[RunFacts]) -> dict[str, float]:
    """Pooled point estimates over runs."""

    def cat(name: str) -> np.ndarray:
        return np.asarray([v for f in facts for v in getattr(f, name)], dtype=float)

    def tot(name: str) -> float:
        return float(sum(getattr(f, name) for f in facts))

    def ratio(a: str, b: str) -> float:
        return tot(a) / tot(b) if tot(b) else float("nan")

    offset, gen = cat("serial_offset_d"), cat("generation_d")
    incubation = weibull_mean_censored(cat("incubation_d"), cat("incubation_censored_d"))
    return {
        "incubation_mean_d": incubation,
        "serial_interval_mean_d": float(offset.mean()) + incubation if offset.size else np.nan,
        "household_attack_rate": ratio("household_infected", "household_members"),
        "household_attack_rate_all": ratio("household_infected_all", "household_members_all"),
        "presymptomatic_share": ratio("before_onset", "by_symptomatic"),
        "generation_time_mean_d": float(gen.mean()) if gen.size else float("nan"),
        "infections_by_travellers": tot("by_travellers"),
        "close_contacts_per_case": ratio("contacts_identified", "cases_confirmed"),
        "found_in_quarantine_share": ratio("found_in_quarantine", "cases_confirmed"),
        "local_infections_per_run": tot("local") / len(facts) if facts else float("nan"),
        "imported_infections_per_run": tot("imported") / len(facts) if facts else float("nan"),
    }


def bootstrap(
    facts: list[RunFacts], reps: int = 200, seed: int = 0
) -> dict[str, tuple[float, float]]:
    """95% percentile intervals of :func:`estimates`, resampling whole runs."""
    gen = np.random.default_rng(seed)
    draws: dict[str, list[float]] = {}
    for _ in range(reps):
        pick = gen.integers(0, len(facts), len(facts))
        for k, v in estimates([facts[i] for i in pick]).items():
            draws.setdefault(k, []).append(v)
    return {
        k: (float(np.nanpercentile(v, 2.5)), float(np.nanpercentile(v, 97.5)))
        for k, v in draws.items()
    }


def intrinsic(params: ModelParams, n: int = 200_000, seed: int = 0) -> dict[str, float]:
    """The strain's intrinsic quantities (no control), by simulation of the model's draws.

    Incubation mean, generation-time mean (with the latent-period redraw) and
    the share of exposures before the infector's onset.
    """
    gen = np.random.default_rng(seed)
    inc = params.incubation_scale * gen.weibull(params.incubation_shape, n)
    gt = generation_times(gen, inc, params.omega, params.alpha, params.latent_period)
    return {
        "incubation_mean_d": float(inc.mean()),
        "generation_time_mean_d": float(gt.mean()),
        "presymptomatic_share": float(np.mean(gt < inc)),
    }
