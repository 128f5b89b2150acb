"""The drill subjects that the engine simulates, by code name.

Each module defines ``Params`` (its scenario section), ``check(params, scenario)``
(references pydantic cannot see) and ``install(world, params)`` (its SimPy
processes and event subscriptions).  The order here is the install order.
"""

from __future__ import annotations

from types import ModuleType

from sim.subjects import (
    data_verification,
    reporting,
    routine_prevention,
    testing,
    tracing,
    traffic_control,
    transfer_isolation,
    treatment,
    zone_control,
)

SUBJECT_MODULES: dict[str, ModuleType] = {
    "traffic_control": traffic_control,
    "testing": testing,
    "reporting": reporting,
    "tracing": tracing,
    "data_verification": data_verification,
    "transfer_isolation": transfer_isolation,
    "treatment": treatment,
    "zone_control": zone_control,
    "routine_prevention": routine_prevention,
}
