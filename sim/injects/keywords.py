"""Judging a spot-check answer by the words of the subjects it names.

A spot-check answer is judged by whether it names the work of a subject the
phoned agent is responsible for in the scenario's RACI.  Each subject declares
its words (zh and en) with its declaration (``Subject.keywords``).
"""

from __future__ import annotations

from sim.subjects.registry import listed


def named_subjects(answer: str) -> list[str]:
    """The subjects whose words (zh or en, case-insensitive) appear in ``answer``."""
    text = answer.lower()
    return [
        subject.name
        for subject in listed()
        if any(w.lower() in text for words in subject.keywords.values() for w in words)
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
