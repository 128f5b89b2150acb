"""The network drawing: one design for ``drill network`` and the report, names that fit."""

from __future__ import annotations

import itertools

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from sim.network.analysis import analyse
from sim.network.draw import figure
from tests.subjects._runs import scenario, short_run


def _boxes(fig):
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    out = {}
    for text in fig.axes[0].texts:
        patch = text.get_bbox_patch()
        if patch is not None:
            out[text.get_text()] = (text.get_window_extent(renderer), patch.get_window_extent())
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_agent_is_a_box_its_name_fits_in_and_boxes_do_not_overlap(lang: str) -> None:
    scn = scenario()
    boxes = _boxes(figure(scn, analyse(scn), lang))
    assert len(boxes) == len(scn.agents)
    for text, box in boxes.values():
        assert box.x0 <= text.x0 and text.x1 <= box.x1 and box.y0 <= text.y0 <= text.y1 <= box.y1
    for (a, (_, p)), (b, (_, q)) in itertools.combinations(boxes.items(), 2):
        assert not p.overlaps(q), (a, b)


def test_the_report_draws_the_network_in_the_same_design() -> None:
    from sim.report.plots import network

    scn = scenario()
    result = short_run(1)
    snapshot = scn.model_dump(mode="json", by_alias=True)
    report_fig = network(result.log, snapshot, result.summary, "zh", {"tracing_tf"})
    shared = figure(scn, analyse(scn), "zh")
    names = lambda fig: sorted(t.split("\n")[0] for t in _boxes(fig))  # noqa: E731
    assert names(report_fig) == names(shared)
    assert any(t.get_text() == "●" for t in report_fig.axes[0].texts)  # the finding's mark
