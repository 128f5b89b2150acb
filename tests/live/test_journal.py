"""The session journal: an answer file with more keys, appended a line at a time."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sim.api import bundled_scenarios
from sim.live.journal import JournalError, JournalWriter, is_journal, load_journal

EXAMPLE = bundled_scenarios() / "answers" / "example.yaml"


def _header(flagship) -> dict:
    return {"scenario": flagship.meta.id, "seed": 3, "session": {"file": "x.yaml"}}


def test_every_entry_is_on_disk_and_the_file_stays_yaml(flagship, tmp_path: Path) -> None:
    path = tmp_path / "j.yaml"
    writer = JournalWriter(path, _header(flagship))
    writer.append({"pause": 0, "at": "push-list", "do": "answer", "text": '收到: 30 人\n"名单"'})
    # read back while the writer is still open: nothing waits in a buffer
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["journal"][0]["text"] == '收到: 30 人\n"名单"' and data["seed"] == 3
    writer.append({"pause": 0, "at": "push-list", "do": "release"})
    writer.close()
    journal = load_journal(path, flagship)
    assert [e["do"] for e in journal.entries] == ["answer", "release"]
    assert journal.sheet.seed == 3 and is_journal(path)


def test_a_torn_last_line_is_dropped_and_cut_before_appending(flagship, tmp_path: Path) -> None:
    path = tmp_path / "j.yaml"
    writer = JournalWriter(path, _header(flagship))
    writer.append({"pause": 0, "at": "push-list", "do": "answer", "text": "收到"})
    writer.close()
    with path.open("a", encoding="utf-8") as fh:
        fh.write('- {"n": 2, "pause": 0, "at": "push-li')  # the crash
    assert len(load_journal(path, flagship).entries) == 1
    again = JournalWriter(path)
    again.append({"pause": 0, "at": "push-list", "do": "release"})
    again.close()
    entries = load_journal(path, flagship).entries
    assert [(e["n"], e["do"]) for e in entries] == [(1, "answer"), (2, "release")]


def test_an_answer_file_is_a_journal_without_entries(flagship) -> None:
    journal = load_journal(EXAMPLE, flagship)
    assert journal.entries == [] and journal.sheet.answers["site-90"] == "second_hotel"
    assert not is_journal(EXAMPLE)


def test_a_bad_entry_is_one_located_line(flagship, tmp_path: Path) -> None:
    path = tmp_path / "j.yaml"
    writer = JournalWriter(path, _header(flagship))
    writer.append({"pause": 0, "at": "push-list", "do": "skip", "inject": "no-such", "reason": "x"})
    writer.append({"pause": 0, "at": "push-list", "do": "teleport"})
    verdict = {"inject": "push-list", "rating": "met", "note": ""}
    writer.append({"pause": 1, "at": "x", "do": "evaluate", "of": "first", **verdict})
    writer.close()
    with pytest.raises(JournalError) as err:
        load_journal(path, flagship)
    assert err.value.lines() == [
        f"{path}:7: journal.0.inject: no inject 'no-such' in the scenario",
        f"{path}:8: journal.1.do: unknown entry kind 'teleport'",
        f"{path}:9: journal.2: 'evaluate' needs 'of' (a pause number) and an inject of the "
        "scenario",
    ]
