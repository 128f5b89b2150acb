"""Build hook: bundle the top-level ``scenarios/`` folder as ``sim/scenarios`` in the wheel.

Users find the scenarios at the top of the repository; an installed ``drill``
finds the same files as package data (``importlib.resources``).  Everything
else about the build is declared in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithScenarios(build_py):
    """``build_py`` that also copies ``scenarios/**/*.yaml`` into ``sim/scenarios``."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "sim" / "scenarios"
        for source in sorted((ROOT / "scenarios").rglob("*.yaml")):
            dest = target / source.relative_to(ROOT / "scenarios")
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, dest)


setup(cmdclass={"build_py": BuildWithScenarios})
