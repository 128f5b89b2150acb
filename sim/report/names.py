"""Plain names for everything a report mentions: no ids, no person indices.

The event log speaks in ids — agents (``transfer_tf``), sites (``hotel_a``),
zones (``zone-2``), rounds (``county-1``), push lists (``12266/telecom-0``) and
people as row indices (``180033``).  A reader needs the scenario's own names in
the report's language, and people described by their role ("a household close
contact of case 1").  :class:`Names` reads the scenario snapshot and the log once
and answers ``names.of(entity)`` for any of them.
"""

from __future__ import annotations

from typing import Any

from sim.engine.log import EventLog
from sim.report.locale import t

Scn = dict[str, Any]


def _named(node: Any, out: dict[str, dict[str, str]], path: str = "") -> None:
    """Collect every ``{id: {name: {zh, en}, ...}}`` of the scenario (agents, sites, ...)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, dict) and isinstance(value.get("name"), dict):
                name = value["name"]
                if "zh" in name and "en" in name:
                    out.setdefault(str(key), name)
                    if path.endswith("communities"):
                        out.setdefault(f"{path.split('/')[-2]}/{key}", name)
            _named(value, out, f"{path}/{key}")
    elif isinstance(node, list):
        for item in node:
            _named(item, out, path)


def named_things(scn: Scn) -> dict[str, dict[str, str]]:
    """Every named thing of a scenario snapshot by id: agents, then places and the
    subjects' named entries (sites, labs, checkpoints), as ``{id: {zh, en}}``."""
    named: dict[str, dict[str, str]] = {
        a: dict(v["name"]) for a, v in scn.get("agents", {}).items() if "name" in v
    }
    _named(scn.get("region", {}), named, "region")
    _named(scn.get("subjects", {}), named, "subjects")
    return named


class Names:
    """Names of a run's agents, places, rounds, injects, objectives and people."""

    def __init__(self, scn: Scn, log: EventLog | None, lang: str):
        self.scn, self.lang = scn, lang
        self.agents = {a: v["name"][lang] for a, v in scn.get("agents", {}).items()}
        named: dict[str, dict[str, str]] = {}
        _named(scn.get("region", {}), named, "region")
        _named(scn.get("subjects", {}), named, "subjects")
        self.places = {k: v[lang] for k, v in named.items()}
        self.injects = {i["id"]: i["title"][lang] for i in scn.get("injects", []) if "title" in i}
        self.objectives = {o["id"]: o["title"][lang] for o in scn.get("objectives", [])}
        self.cases: dict[str, int] = {}
        self.contacts: dict[str, tuple[str, str, str]] = {}
        self.returnees: set[str] = set()
        self.labels: dict[str, str] = {}  # index cases by how the scenario names them
        self.zones: dict[str, tuple[str, str]] = {}
        if log is not None:
            self._read(log)

    def _read(self, log: EventLog) -> None:
        for e in log:
            if e.kind == "case_confirmed" and e.entity not in self.cases:
                self.cases[e.entity] = len(self.cases) + 1
            elif e.kind == "contact_identified" and e.entity not in self.contacts:
                d = e.details
                self.contacts[e.entity] = (
                    str(d.get("role", "")),
                    str(d.get("setting", "")),
                    str(d.get("source", "")),
                )
            elif e.kind == "returnee_arrival":
                self.returnees.add(e.entity)
                label = e.details.get("label")
                if label:
                    self.labels[e.entity] = str(label.get(self.lang) or label.get("en", ""))
            elif e.kind == "zone_delineated" and e.entity not in self.zones:
                self.zones[e.entity] = (
                    str(e.details.get("level", "")),
                    str(e.details.get("community", "")),
                )

    # -- one name each ----------------------------------------------------------------
    def agent(self, aid: str) -> str:
        return self.agents.get(aid) or aid or t("unnamed_agent", self.lang)

    def place(self, pid: str) -> str:
        return self.places.get(pid, pid)

    def case(self, pid: str) -> str:
        return t("case_n", self.lang, n=self.cases[pid])

    def person(self, pid: str) -> str:
        """A person by role: an index case as the scenario names it, case k, a (household)
        close contact of case k, a returnee."""
        lang = self.lang
        if pid in self.labels:
            return self.labels[pid]
        if pid in self.cases:
            return self.case(pid)
        if pid in self.contacts:
            role, setting, source = self.contacts[pid]
            if source in self.cases:
                of = self.case(source)
            elif source in self.contacts and self.contacts[source][2] in self.cases:
                of = t("contact_of_case", lang, case=self.case(self.contacts[source][2]))
            else:
                of = t("a_contact", lang)
            return t(
                "contact_of",
                lang,
                setting=t(f"ctx_{setting}", lang) if setting else "",
                role=t(f"role_{role}", lang) if role else t("role_close_contact", lang),
                of=of,
            ).replace("  ", " ")
        if pid in self.returnees:
            return t("a_returnee", lang)
        return t("a_resident", lang)

    def zone(self, zid: str) -> str:
        level, community = self.zones.get(zid, ("", ""))
        where = self.place(community) if community else ""
        return t("zone_in", self.lang, where=where, level=t(f"zone_{level}", self.lang)).strip()

    def round(self, rid: str) -> str:
        """A mass-testing round (``county-2``, ``routine-1``) or a zone's round (``zone-3``)."""
        head, _, k = rid.rpartition("-")
        if head == "county" and k.isdigit():
            return t("round_county", self.lang, n=k)
        if head == "routine" and k.isdigit():
            return t("round_routine", self.lang, n=k)
        if rid in self.zones:
            return t("round_zone", self.lang, zone=self.zone(rid))
        return self.of(rid)

    def of(self, entity: str) -> str:
        """Whatever ``entity`` is, its name for a reader."""
        if not entity:
            return ""
        if entity in self.agents:
            return self.agents[entity]
        if entity in self.places:
            return self.places[entity]
        if entity in self.zones:
            return self.zone(entity)
        if entity in self.injects:
            return self.injects[entity]
        if entity in self.objectives:
            return self.objectives[entity]
        if entity.isdigit():
            return self.person(entity)
        if "/" in entity:  # a push list: '<case>/<source>-<k>'
            case, _, rest = entity.partition("/")
            source = rest.rpartition("-")[0] or rest
            who = self.person(case) if case.isdigit() else self.of(case)
            return t("push_list", self.lang, of=who, source=t(f"push_{source}", self.lang))
        head = entity.rpartition("-")[0]
        if head in ("county", "routine"):
            return self.round(entity)
        return t("unnamed_item", self.lang)
