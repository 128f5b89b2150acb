"""The analysis as readable text (zh or en), for ``drill network`` without ``--json``."""

from __future__ import annotations

from typing import Any

from sim.subjects.registry import SUBJECTS, label


def render(result: dict[str, Any], lang: str = "zh") -> str:
    """Responsibilities, gaps, single points of failure and overloaded agents as lines."""
    zh = lang == "zh"
    agents = result["agents"]

    def name(aid: str | None) -> str:
        if aid is None:
            return "—"
        return f"{agents[aid]['name'][lang]} ({aid})" if aid in agents else aid

    def subj(s: str) -> str:
        return label(s, lang)

    out = [
        ("责任网络分析：" if zh else "Responsibility network: ")
        + result["scenario"]
        + (f" + {'+'.join(result['plans'])}" if result["plans"] else ""),
        ("信息源（首个阳性结果）：" if zh else "information source (first positive): ")
        + name(result["source"]),
        "",
        "科目职责（R 负责 / A 问责）" if zh else "Subjects (R responsible / A accountable)",
    ]
    for s in SUBJECTS:
        r = result["subjects"][s]
        out.append(
            f"  {subj(s)}: R {', '.join(r['responsible']) or '—'}; A {r['accountable'] or '—'}"
        )
    out += ["", ("缺口" if zh else "Gaps") + f" ({len(result['gaps'])})"]
    for gp in result["gaps"]:
        if gp["type"] == "unreachable":
            out.append(
                f"  {subj(gp['subject'])}: {name(gp['agent'])} "
                + ("无法经交接链从信息源获知" if zh else "cannot be reached from the source")
            )
        elif gp["type"] == "no_responsible":
            out.append(f"  {subj(gp['subject'])}: " + ("无负责单位" if zh else "no responsible"))
        else:
            out.append(f"  {subj(gp['subject'])}: " + ("无问责单位" if zh else "no accountable"))
    spof = result["single_points_of_failure"]
    out += ["", ("单点故障" if zh else "Single points of failure") + f" ({len(spof)})"]
    for r in spof:
        subjects = ", ".join(subj(s) for s in r["subjects"])
        out.append(
            f"  {name(r['agent'])}: "
            + (
                f"切断 {len(r['cuts_off'])} 个单位；影响 {subjects}"
                if zh
                else f"cuts off {len(r['cuts_off'])} agents; affects {subjects}"
            )
        )
    links = result["single_links"]
    out += ["", ("唯一交接链路" if zh else "Single links") + f" ({len(links)})"]
    for r in links:
        out.append(
            f"  {r['from']} → {r['to']}: {len(r['subjects'])} " + ("个科目" if zh else "subjects")
        )
    heavy = result["overloaded"]
    out += ["", ("任务过载" if zh else "Overloaded agents") + f" ({len(heavy)})"]
    for r in heavy:
        n = len(set(r["responsible"]) | set(r["accountable"]))
        out.append(
            f"  {name(r['agent'])}: "
            + (
                f"{n} 个科目，{r['staff']} 人（每科目 {r['staff_per_subject']:.1f} 人）"
                if zh
                else f"{n} subjects, {r['staff']} staff ({r['staff_per_subject']:.1f} per subject)"
            )
        )
    return "\n".join(out)
