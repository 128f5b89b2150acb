"""The flagship MSEL says what its effects do: the room plays what it reads."""

from __future__ import annotations


def test_lab_failure_text_matches_its_effect(flagship):
    scn = flagship
    inj = next(i for i in scn.injects if i.id == "lab-machine-fails")
    (effect,) = inj.effects
    lab = next(lab for lab in scn.subjects.testing.mass.labs if lab.agent == effect.agent)
    left, total = effect.set, lab.machines
    assert f"{total}台扩增仪中{total - left}台故障，仅剩{left}台" in inj.message("zh")
    words = {2: "two", 4: "Four", 6: "six"}
    assert f"{words[total - left]} of the county lab's {words[total]}" in inj.message("en")
    # capacity follows the machines: 2 of 6 is a third, in both languages
    assert (left, total) == (2, 6)
    assert "三分之一" in inj.message("zh") and "a third" in inj.message("en")
    # each option brings the lab back to its full count
    assert all(o.effects[0].add == total - left for o in inj.options if o.effects)
