"""Every kind of event the engine may log, declared once, with zh/en labels.

The event log is the single source of truth: metrics, objectives, plots and
reports read these kinds.  The engine's, the epidemic's and the MSEL's kinds are
declared here; each subject declares its own with its declaration
(:class:`sim.subjects.base.Subject`), which calls :func:`declare`.  Logging an
undeclared kind is an error, so the vocabulary is always complete.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    subject: str
    zh: str
    en: str

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def declare(owner: str, kinds: dict[str, tuple[str, str]]) -> None:
    """Add ``owner``'s event kinds (kind → (zh, en) label) to the vocabulary.

    Declaring the same kind twice with the same owner and labels is harmless (a
    module re-imported); a kind another owner declared is an error.
    """
    for kind, (zh, en) in kinds.items():
        new = Kind(owner, zh, en)
        if EVENT_KINDS.setdefault(kind, new) != new:
            raise ValueError(
                f"event kind '{kind}' is declared by both {EVENT_KINDS[kind].subject} and {owner}"
            )


EVENT_KINDS: dict[str, Kind] = {
    # engine ------------------------------------------------------------------
    "run_start": Kind("engine", "推演开始", "drill started"),
    "run_end": Kind("engine", "推演结束", "drill ended"),
    "task_start": Kind("engine", "任务开始", "task started"),
    "task_end": Kind("engine", "任务完成", "task finished"),
    "handoff": Kind("engine", "交接", "handoff received"),
    "inject": Kind("engine", "注入事件", "inject delivered"),
    # epidemic ----------------------------------------------------------------
    "infection": Kind("epidemic", "感染", "infection"),
    "contact_exposed": Kind("epidemic", "接触暴露", "contact exposed"),
    "symptom_onset": Kind("epidemic", "出现症状", "symptom onset"),
    "case_cap_reached": Kind(
        "epidemic", "病例数达到模拟上限", "case cap of the simulation reached"
    ),
    # injects (the MSEL, decisions, spot-checks, live facilitation) ----------
    "inject_skipped": Kind("injects", "注入事件未触发", "inject not delivered"),
    "inject_answer": Kind("injects", "注入事件应答", "answer to an inject"),
    "decision_made": Kind("injects", "作出决策", "decision made"),
    "decision_effective": Kind("injects", "决策生效", "decision in effect"),
    "spot_check_call": Kind("injects", "随机抽查电话连线", "spot-check phone call"),
    "spot_check_answer": Kind("injects", "抽查应答", "spot-check answer"),
    "ad_hoc_question": Kind("injects", "临时点题、现场应答", "ad-hoc question answered"),
    "action_evaluated": Kind("injects", "期望行动评估", "expected action evaluated"),
    "staff_changed": Kind("injects", "人员力量变化", "staff changed"),
    "handoff_delay_changed": Kind("injects", "交接时延变化", "handoff delay changed"),
    "machines_changed": Kind("injects", "检测设备数量变化", "laboratory machines changed"),
    "finding_revealed": Kind("injects", "新发现", "new finding revealed"),
    "screening_ordered": Kind("injects", "下达重点人群筛查", "screening of a group ordered"),
    "rumour_spread": Kind("injects", "网络谣言出现", "rumour spreading"),
    "rumour_answered": Kind("injects", "谣言已回应", "rumour answered"),
}
