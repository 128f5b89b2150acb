"""Words that show a spot-checked role knows its duty, per drill subject (zh and en).

A spot-check answer is judged by whether it names the work of a subject the
phoned agent is responsible for in the scenario's RACI.  The lists are data: a
county may extend them with its own terms.
"""

from __future__ import annotations

KEYWORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "data_verification": {
        "zh": ("核查", "推送", "名单", "大数据", "排查", "摸排", "登记"),
        "en": ("verify", "push list", "list", "big data", "check the register", "register"),
    },
    "reporting": {
        "zh": ("报告", "直报", "上报", "发布", "通报", "信息"),
        "en": ("report", "notify", "release", "inform", "escalate"),
    },
    "tracing": {
        "zh": ("流调", "密接", "轨迹", "溯源", "次密接"),
        "en": ("trace", "tracing", "contact", "trajectory", "interview"),
    },
    "transfer_isolation": {
        "zh": ("转运", "隔离", "五包一", "居家", "闭环"),
        "en": ("transfer", "isolat", "quarantine", "five-to-one", "closed loop"),
    },
    "zone_control": {
        "zh": ("封控", "管控", "防范", "足不出户", "守门", "值守", "小区"),
        "en": ("seal", "zone", "lockdown", "stay home", "guard", "door"),
    },
    "traffic_control": {
        "zh": ("卡口", "查验", "行程卡", "健康码", "落地", "车辆"),
        "en": ("checkpoint", "health code", "itinerary", "vehicle", "landing"),
    },
    "treatment": {
        "zh": ("救治", "定点医院", "负压", "救护车", "发热门诊"),
        "en": ("treat", "hospital", "ambulance", "negative-pressure", "fever clinic"),
    },
    "testing": {
        "zh": ("核酸", "采样", "检测", "混采", "送检"),
        "en": ("test", "swab", "sample", "pcr", "pool"),
    },
    "routine_prevention": {
        "zh": ("口罩", "测温", "场所码", "扫码", "疫苗", "消杀"),
        "en": ("mask", "temperature", "venue code", "scan", "vaccin", "disinfect"),
    },
}


def named_subjects(answer: str) -> list[str]:
    """The subjects whose words (zh or en, case-insensitive) appear in ``answer``."""
    text = answer.lower()
    return [
        subject
        for subject, words in KEYWORDS.items()
        if any(w.lower() in text for lang in ("zh", "en") for w in words[lang])
    ]


def verdict(answer: str, duties: list[str]) -> tuple[str, list[str]]:
    """Judge a spot-check answer against the subjects the role is responsible for.

    ``correct``: names at least one of its own subjects; ``off_duty``: names only
    other subjects' work; ``unclear``: names no subject; ``no_answer``: empty.
    Returns the verdict and the own subjects it named.
    """
    if not answer.strip():
        return "no_answer", []
    named = named_subjects(answer)
    own = [s for s in named if s in duties]
    if own:
        return "correct", own
    return ("off_duty" if named else "unclear"), []
