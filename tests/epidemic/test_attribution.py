"""The cause of an extra infection is read from two logs of the same seed."""

from __future__ import annotations

from sim.engine.log import EventLog
from sim.epidemic.attribution import first_extra_infection


def _log(*events: tuple[float, str, str, dict]) -> EventLog:
    log = EventLog()
    for t, kind, entity, details in events:
        log.append(t, kind, "epidemic", "", entity, **details)
    return log


def _infected(t: float, who: str, src: str) -> tuple[float, str, str, dict]:
    return (t, "infection", who, {"source": src, "setting": "household"})


def test_no_extra_infection_when_b_infects_a_subset() -> None:
    a = _log(_infected(0, "1", ""), _infected(5, "2", "1"))
    b = _log(_infected(0, "1", ""))
    assert first_extra_infection(a, b) is None


def test_causes_from_upstream_to_the_exposure() -> None:
    base = [_infected(0, "1", ""), (3, "contact_identified", "1", {}), (6, "isolated", "1", {})]
    a = _log(*base)
    # isolated later, found at the same time: the isolation step itself
    b = _log(*base[:2], (9, "isolated", "1", {}), _infected(8, "2", "1"))
    extra = first_extra_infection(a, b)
    assert extra is not None and (extra.person, extra.source) == ("2", "1")
    assert extra.cause == "isolated_later"
    # identified later (then isolated later too): upstream of the isolation
    b = _log(base[0], (4, "contact_identified", "1", {}), (9, "isolated", "1", {}))
    b.append(8, "infection", "epidemic", "", "2", source="1", setting="work")
    assert first_extra_infection(a, b).cause == "identified_later"  # type: ignore[union-attr]
    # never identified in b
    b = _log(base[0], (9, "isolated", "1", {}), _infected(8, "2", "1"))
    assert first_extra_infection(a, b).cause == "identified_later"  # type: ignore[union-attr]
    # everything equal: the exposure itself was not thinned away (a zone, a policy)
    b = _log(*base, _infected(5, "2", "1"))
    assert first_extra_infection(a, b).cause == "exposure_not_thinned"  # type: ignore[union-attr]


def test_detection_is_checked_first() -> None:
    a = _log(_infected(0, "1", ""), (2, "lab_result_positive", "1", {}))
    b = _log(_infected(0, "1", ""), (7, "lab_result_positive", "1", {}), _infected(5, "2", "1"))
    assert first_extra_infection(a, b).cause == "detected_later"  # type: ignore[union-attr]
