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
    "checkpoint_interval": Kind("traffic_control", "卡口时段通行情况", "checkpoint interval"),
    "risk_arrival_checked": Kind(
        "traffic_control", "中高风险地区来人查验", "risk-area arrival checked"
    ),
    "risk_arrival_leaked": Kind(
        "traffic_control", "中高风险地区来人漏检", "risk-area arrival slipped through"
    ),
    # testing -----------------------------------------------------------------
    "test_requested": Kind("testing", "申请核酸检测", "test requested"),
    "sample_taken": Kind("testing", "采样", "sample taken"),
    "lab_result_positive": Kind("testing", "核酸检测阳性", "positive test result"),
    "lab_result_negative": Kind("testing", "核酸检测阴性", "negative test result"),
    "mass_round_start": Kind("testing", "全员核酸检测轮次开始", "mass-testing round started"),
    "mass_sampling_hour": Kind("testing", "时段采样完成", "sampling hour done"),
    "mass_level_sampled": Kind("testing", "区域采样完成", "zone level sampled"),
    "mass_sampling_done": Kind("testing", "本轮采样完成", "round sampling done"),
    "lab_run": Kind("testing", "实验室批次检测", "laboratory run"),
    "pool_positive": Kind("testing", "混采阳性", "positive pool"),
    "mass_round_complete": Kind("testing", "全员核酸检测轮次完成", "mass-testing round complete"),
    # zone_control ------------------------------------------------------------
    "zone_delineated": Kind("zone_control", "划定风险区域", "zone delineated"),
    "zone_sealed": Kind("zone_control", "区域管控到位", "zone measures in force"),
    "zone_lifted": Kind("zone_control", "解除管控", "zone lifted"),
    # routine_prevention --------------------------------------------------------
    "policy_in_force": Kind("routine_prevention", "常态化防控措施生效", "routine policy in force"),
    "routine_screening": Kind(
        "routine_prevention", "重点人群例行检测", "routine key-group testing"
    ),
    # reporting ---------------------------------------------------------------
    "direct_report": Kind("reporting", "网络直报", "network direct report"),
    "report_verified": Kind("reporting", "疾控审核确认", "report verified by CDC"),
    "case_confirmed": Kind("reporting", "病例确认", "case confirmed"),
    "report_received": Kind("reporting", "收到报告", "report received"),
    "command_activated": Kind("reporting", "指挥部启动", "command activated"),
    "report_escalated": Kind("reporting", "向上级报告", "reported to higher level"),
    "public_release": Kind("reporting", "发布权威信息", "public information released"),
    "press_conference": Kind("reporting", "新闻发布会", "press conference held"),
    "daily_report": Kind("reporting", "日报告", "daily report"),
    # data_verification -------------------------------------------------------
    "data_push_received": Kind("data_verification", "收到大数据推送名单", "push list received"),
    "push_entry_verified": Kind("data_verification", "推送人员核查", "push entry verified"),
    "push_list_verified": Kind("data_verification", "推送名单核查完毕", "push list verified"),
    "health_code_assigned": Kind("data_verification", "精准赋码", "health code assigned"),
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
    "site_opened": Kind("transfer_isolation", "启用隔离点", "quarantine site opened"),
    "vehicles_added": Kind("transfer_isolation", "增派转运车辆", "transfer vehicles added"),
    "quarantine_left": Kind(
        "transfer_isolation", "转出隔离（送医）", "left quarantine for hospital"
    ),
    "quarantine_released": Kind("transfer_isolation", "解除隔离", "released from quarantine"),
    # treatment ---------------------------------------------------------------
    "ambulance_dispatched": Kind("treatment", "负压救护车出车", "ambulance dispatched"),
    "beds_full": Kind("treatment", "定点医院床位已满", "hospital beds full"),
    "admitted": Kind("treatment", "定点医院收治", "admitted to the designated hospital"),
    "severity_changed": Kind("treatment", "病情变化", "severity changed"),
    "discharged": Kind("treatment", "出院", "discharged"),
    # injects (the MSEL, decisions, spot-checks, live facilitation) ----------
    "inject_skipped": Kind("injects", "注入事件未触发", "inject not delivered"),
    "inject_answer": Kind("injects", "注入事件应答", "answer to an inject"),
    "decision_made": Kind("injects", "作出决策", "decision made"),
    "decision_effective": Kind("injects", "决策生效", "decision in effect"),
    "spot_check_call": Kind("injects", "随机抽查电话连线", "spot-check phone call"),
    "spot_check_answer": Kind("injects", "抽查应答", "spot-check answer"),
    "ad_hoc_question": Kind("injects", "临时点题、现场应答", "ad-hoc question answered"),
    "staff_changed": Kind("injects", "人员力量变化", "staff changed"),
    "handoff_delay_changed": Kind("injects", "交接时延变化", "handoff delay changed"),
    "finding_revealed": Kind("injects", "新发现", "new finding revealed"),
    "rumour_spread": Kind("injects", "网络谣言出现", "rumour spreading"),
    "rumour_answered": Kind("injects", "谣言已回应", "rumour answered"),
}
