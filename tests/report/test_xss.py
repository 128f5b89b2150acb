"""Scenario text is data: a title or agent name with markup renders as text."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import load_scenario
from sim.api import FLAGSHIP, run_drill, write_run
from sim.report import write_report

EVIL = "<script>alert('x')</script>"


@pytest.mark.slow  # renders a whole report (≈ 3 s of CPU)
def test_script_in_title_and_agent_names_is_escaped(tmp_path):
    text = FLAGSHIP.read_text(encoding="utf-8")
    text = text.replace(
        "zh: 绛县中高风险地区返乡人员核酸检测阳性桌面推演（示意）",
        f'zh: "绛县{EVIL}推演"',
    )
    text = text.replace("{zh: 转运隔离专班,", f'{{zh: "转运隔离专班{EVIL}",', 1)
    text = text.replace("{zh: 流调溯源专班,", f'{{zh: "流调{EVIL}",', 1)
    path = tmp_path / "evil.yaml"
    path.write_text(text, encoding="utf-8")
    scn = load_scenario(path, [Path(__file__).resolve().parent / "two_days.yaml"])
    assert EVIL in scn.meta.title.zh and EVIL in scn.agents["transfer_tf"].name.zh
    out = write_run(run_drill(scn, seed=2), tmp_path / "run")
    html = write_report(out, "zh").read_text(encoding="utf-8")
    assert "alert('x')</script>" not in html
    assert html.count("<script>") == 1  # the report's own image check
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "<script>" not in md
    assert "\\<script\\>" in md  # shown literally, backslash-escaped (no HTML entity)
