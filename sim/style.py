"""One plot style for every figure, with a CJK font that exists on a fresh install.

The font is Noto Sans CJK (SIL Open Font License) shipped by the
``notojp-matplotlib`` wheel; its cmap covers the simplified Chinese characters
of place and agent names.  We register the file ourselves instead of importing
that package, which would change matplotlib's global settings as a side effect.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import matplotlib
from cycler import cycler

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

CJK_FAMILY = "Noto Sans CJK JP"
PALETTE = (
    "#1f5f8b",
    "#e07b39",
    "#3a9a5b",
    "#c0392b",
    "#7d5ba6",
    "#8c6d31",
    "#d35f9c",
    "#5f6b6d",
    "#17a2b8",
    "#b5a033",
)
RATING_COLOURS = {"P": "#3a9a5b", "S": "#e0b339", "M": "#e07b39", "U": "#c0392b"}
_registered: list[str] = []


def cjk_font_path() -> Path:
    """The bundled CJK font file (raises when the dependency is missing)."""
    spec = importlib.util.find_spec("notojp_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the notojp-matplotlib package (CJK font) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "fonts" / "NotoSansCJKjp-Regular.otf"


def apply() -> None:
    """Register the CJK font and set the shared rcParams (idempotent)."""
    if not _registered:
        font_manager.fontManager.addfont(str(cjk_font_path()))
        _registered.append(CJK_FAMILY)
    matplotlib.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [CJK_FAMILY, "DejaVu Sans"],
            "axes.unicode_minus": False,
            "text.parse_math": False,  # scenario text is text: "$" never opens math mode
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.titlesize": 13,
            "axes.titleweight": "normal",
            "axes.labelsize": 10,
            "legend.fontsize": 8,
            "legend.frameon": False,
            "xtick.labelsize": 8,
            "ytick.labelsize": 8,
            "figure.dpi": 100,
            "savefig.dpi": 110,
            "savefig.bbox": "tight",
            "axes.prop_cycle": cycler(color=list(PALETTE)),
        }
    )


def figure(width: float = 11.0, height: float = 5.5, **kw) -> Figure:
    """A new figure in the house style."""
    apply()
    return plt.figure(figsize=(width, height), **kw)


def close(fig: Figure) -> None:
    plt.close(fig)
