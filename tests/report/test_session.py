"""A played drill in the after-action report: the room's play by subject, and the
expected actions judged not met as improvement-plan rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.api import FLAGSHIP
from sim.language import load_scenario
from sim.live.journal import NullWriter, load_journal
from sim.live.session import Session
from sim.report.names import Names
from sim.report.session import evaluation_rows, room_section

pytestmark = pytest.mark.slow  # a two-day flagship drill replayed from a journal

SHORT = Path(__file__).resolve().parents[1] / "injects" / "data" / "short-drill.yaml"

JOURNAL = """\
scenario: jiangxian-returnee
seed: 20220331
session: {file: x.yaml}
journal:
- {"pause": 0, "at": "push-list", "do": "answer", "text": "网格员逐一核查",
   "by": "data_verification_tf"}
- {"pause": 0, "at": "push-list", "do": "ask", "question": "谁来核？", "answer": "网格员"}
- {"pause": 0, "at": "push-list", "do": "evaluate", "inject": "push-list", "rating": "not_met",
   "note": "超时"}
- {"pause": 0, "at": "push-list", "do": "release"}
- {"pause": 1, "at": "direct-report-outage", "do": "evaluate", "inject": "direct-report-outage",
   "rating": "met", "note": ""}
"""


def test_the_rooms_play_is_observed_by_subject_and_not_met_is_planned(tmp_path) -> None:
    scn = load_scenario(FLAGSHIP, [SHORT])
    path = tmp_path / "j.yaml"
    path.write_text(JOURNAL, encoding="utf-8")
    session = Session(scn, 20220331, NullWriter(), load_journal(path, scn), live=False)
    session.run()
    assert session.result is not None
    log, record = session.result.log, session.record_of()
    data = scn.model_dump(mode="json", by_alias=True)
    names = Names(data, log, "zh")
    sec = room_section(record, log, data, names, "zh")
    text = repr(sec.blocks)
    for seen in (
        "数据核查专班应答“网格员逐一核查”",
        "临时点题（大数据推送协查名单）：问“谁来核？”，答“网格员”",
        "评估（大数据推送协查名单，数据核查专班）：未达到",
        "评估组备注：超时",
        "决策“",  # the scripted decisions of the replay
        "随机抽查（",  # the spot-check calls and their verdicts
        "数据核查专班 达到0/部分0/未达到1",
    ):
        assert seen in text, seen
    rows = evaluation_rows(record, data, names, "zh", None)
    assert [(r["subject"], r["responsible"], r["poete"]) for r in rows] == [
        ("data_verification", "data_verification_tf", "Training")
    ]
    assert "2小时内下发社区核查" in rows[0]["action"]
