"""Metric names of a comparison read as words: ``mass_testing.labs.city_lab.tubes`` →
"核酸检测 · 市检测实验室 · 检测管数".

A comparison stores metrics by dotted summary path; a reader needs each part in
the report's language.  A part is a summary word (this table), a named thing of
the scenario (``comparison.json → names``: agents, labs, sites, checkpoints) or
an objective (its title); anything else is shown with its underscores as spaces.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

WORDS: dict[str, tuple[str, str]] = {
    "infections": ("感染", "infections"),
    "by_setting": ("按场所", "by setting"),
    "community": ("社区", "community"),
    "household": ("家庭", "household"),
    "imported": ("输入", "imported"),
    "venue": ("公共场所", "venues"),
    "work": ("工作场所", "workplace"),
    "school": ("学校", "school"),
    "total": ("合计", "total"),
    "contacts": ("密接", "contacts"),
    "exposed": ("被感染的接触者", "infected contacts"),
    "identified": ("判定", "identified"),
    "isolated": ("隔离到位", "isolated"),
    "central_quarantine": ("集中隔离", "centralized quarantine"),
    "home_quarantine": ("居家隔离", "home quarantine"),
    "mass_testing": ("核酸检测", "mass testing"),
    "labs": ("实验室", "laboratories"),
    "runs": ("上机批次", "runs"),
    "tubes": ("检测管数", "tubes"),
    "peak_backlog": ("积压峰值（管）", "peak backlog (tubes)"),
    "cases_found": ("检出病例", "cases found"),
    "positive_pools": ("阳性混管", "positive pools"),
    "objectives": ("目标", "objectives"),
    "achieved_h": ("用时（小时）", "time taken (h)"),
    "met": ("达标", "met"),
    "rating": ("评级", "rating"),
    "first_county_round_24h": ("首轮全员核酸24小时完成", "first area-wide round in 24 h"),
    "lab_turnaround_12h": ("实验室12小时出结果", "laboratory results in 12 h"),
    "first_seal_24h": ("24小时内首次封控", "first seal within 24 h"),
    "no_person_missed": ("无一漏检", "no person missed"),
    "zones": ("疫区管控", "zone control"),
    "residents_covered": ("覆盖居民", "residents covered"),
    "sealed": ("封控区", "sealed areas"),
    "controlled": ("管控区", "controlled areas"),
    "staff_assigned": ("投入人员", "staff assigned"),
    "checkpoints": ("交通卡口", "checkpoints"),
    "checked": ("查验车辆", "vehicles checked"),
    "waved": ("放行未查车辆", "vehicles waved through"),
    "vehicles": ("车辆", "vehicles"),
    "persons": ("人员", "persons"),
    "risk_checked": ("查出风险人员", "risk persons checked"),
    "leaked": ("漏管风险人员", "risk persons missed"),
    "infected_leaked": ("漏管感染者", "infected persons missed"),
    "peak_queue": ("排队峰值", "peak queue"),
    "max_wait_h": ("最长等待（小时）", "longest wait (h)"),
    "leak_share": ("漏管比例", "share missed"),
    "routine_prevention": ("常态化防控", "routine prevention"),
    "screened": ("筛查人次", "persons screened"),
    "screening_rounds": ("筛查轮次", "screening rounds"),
    "isolation": ("转运隔离", "transfer and isolation"),
    "rooms_peak": ("集中隔离房间峰值", "peak rooms held"),
    "contacts_isolated": ("隔离到位的密接", "contacts isolated"),
    "end_to_end_h": ("端到端隔离用时（小时）", "end-to-end isolation (h)"),
    "median": ("中位数", "median"),
    "p90": ("90%分位", "90th percentile"),
    "max": ("最长", "longest"),
    "policy": ("政策参数", "policy"),
}


def metric_label(
    name: str, names: Mapping[str, Mapping[str, str]], objectives: Mapping[str, Any], lang: str
) -> str:
    """``name`` in words of ``lang``; ``objective.<id>.met`` reads as the objective's title."""
    zh = lang == "zh"
    parts = name.split(".")
    if parts[0] == "objective" and len(parts) == 3 and parts[1] in objectives:
        title = objectives[parts[1]]["title"][lang]
        what = {"met": ("达标", "met"), "achieved_h": ("用时（小时）", "time taken (h)")}
        if parts[2] == "achieved":  # a count objective: in its own unit
            unit = objectives[parts[1]].get("unit") or {"zh": "", "en": ""}
            what["achieved"] = (f"实际（{unit['zh']}）", f"counted ({unit['en']})")
        word = what.get(parts[2], (parts[2], parts[2]))[0 if zh else 1]
        return f"{title}：{word}" if zh else f"{title}: {word}"
    words = []
    for i, part in enumerate(parts):
        if part == "checkpoints" and i > 0 and parts[i - 1] == "checkpoints":
            continue  # checkpoints.checkpoints.<id>: the second is the table's key
        if part in WORDS:
            words.append(WORDS[part][0 if zh else 1])
        elif part in names and lang in names[part]:
            words.append(names[part][lang])
        elif part in objectives:
            words.append(objectives[part]["title"][lang])
        else:
            words.append(part.replace("_", " "))
    return " · ".join(words)
