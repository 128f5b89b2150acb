"""Every kind of event the engine may log, declared once, with zh/en labels.

The event log is the single source of truth: metrics, objectives, plots and
reports read these kinds.  A subject that logs something new declares it here,
in its own section, so that a reader sees the whole vocabulary in one file.
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
    # traffic_control ---------------------------------------------------------
    "returnee_arrival": Kind(
        "traffic_control", "返乡人员抵达卡口", "returnee arrived at checkpoint"
    ),
    # testing -----------------------------------------------------------------
    "test_requested": Kind("testing", "申请核酸检测", "test requested"),
    "sample_taken": Kind("testing", "采样", "sample taken"),
    "lab_result_positive": Kind("testing", "核酸检测阳性", "positive test result"),
    "lab_result_negative": Kind("testing", "核酸检测阴性", "negative test result"),
    # reporting ---------------------------------------------------------------
    "direct_report": Kind("reporting", "网络直报", "network direct report"),
    "report_verified": Kind("reporting", "疾控审核确认", "report verified by CDC"),
    "case_confirmed": Kind("reporting", "病例确认", "case confirmed"),
    "report_received": Kind("reporting", "收到报告", "report received"),
    "command_activated": Kind("reporting", "指挥部启动", "command activated"),
    "report_escalated": Kind("reporting", "向上级报告", "reported to higher level"),
    "public_release": Kind("reporting", "发布权威信息", "public information released"),
    "press_conference": Kind("reporting", "新闻发布会", "press conference held"),
    # tracing -----------------------------------------------------------------
    "interview_start": Kind("tracing", "开始流调", "interview started"),
    "core_info": Kind("tracing", "核心信息查清", "core information obtained"),
    "full_trajectory": Kind("tracing", "完整轨迹查清", "full trajectory reported"),
    "contact_identified": Kind("tracing", "密接判定", "contact identified"),
    # transfer_isolation ------------------------------------------------------
    "transfer_requested": Kind("transfer_isolation", "申请转运", "transfer requested"),
    "transfer_departed": Kind("transfer_isolation", "转运车辆出发", "transfer vehicle departed"),
    "isolated": Kind("transfer_isolation", "隔离到位", "isolated"),
    "site_full": Kind("transfer_isolation", "隔离点已满", "quarantine site full"),
}


def label(kind: str, lang: str = "zh") -> str:
    """The human label of an event kind in ``lang`` (zh or en)."""
    return EVENT_KINDS[kind].label(lang)
