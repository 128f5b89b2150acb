"""The paper-style figure: p(control) against the share of contacts traced, one line per R0."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from sim.epidemic.reference import Outcome
from sim.outdir import write_atomic


def plot_control(outcomes: Sequence[Outcome], path: Path, title: str = "") -> Path:
    """Draw p(control) with 95% Wilson intervals against % traced, grouped by (R0, delay)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups: dict[tuple[float, str], list[Outcome]] = {}
    for o in outcomes:
        groups.setdefault((o.params.r0, o.params.delay), []).append(o)
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    for (r0, delay), rows in sorted(groups.items()):
        rows = sorted(rows, key=lambda o: o.params.traced)
        x = [100 * o.params.traced for o in rows]
        y = [100 * o.p_control for o in rows]
        cis = [o.wilson() for o in rows]
        err = [[yy - 100 * lo for yy, (lo, _) in zip(y, cis, strict=True)],
               [100 * hi - yy for yy, (_, hi) in zip(y, cis, strict=True)]]  # fmt: skip
        style = "-" if delay == "short" else "--"
        ax.errorbar(x, y, yerr=err, fmt="o" + style, capsize=3, ms=4,
                    label=f"R0 = {r0:g}, {delay} delay")  # fmt: skip
    ax.set_xlabel("Contacts traced (%)")
    ax.set_ylabel("Simulated outbreaks controlled (%)")
    ax.set_ylim(-2, 102)
    ax.set_xlim(-2, 102)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=130)
    plt.close(fig)
    return write_atomic(Path(path), buf.getvalue())
