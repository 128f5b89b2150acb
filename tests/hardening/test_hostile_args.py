"""Hostile command lines: huge counts, infinities and odd seeds are exit 2, before any work."""

from __future__ import annotations

import os

import pytest

from tests.hardening.common import FLAGSHIP, drill, one_line

BIG = str(10**8)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compare", FLAGSHIP, "--runs", BIG], "--runs must be within"),
        (["compare", FLAGSHIP, "--runs", "0"], "--runs must be within"),
        (["compare", FLAGSHIP, "--workers", "0"], "--workers must be within"),
        (["compare", FLAGSHIP, "--workers", BIG], "--workers must be within"),
        (["compare", FLAGSHIP, "--seed", str(2**64)], "--seed must be within"),
        (["sweep", FLAGSHIP, "--vary", "meta.seed=1,2", "--runs", BIG], "--runs"),
        (["run", "--seed", str(2**63)], "--seed must be within"),
        (["run", "--seed", "-1"], "--seed must be within"),
        (["epi", "--runs", BIG], "--runs must be within"),
        (["epi", "--initial-cases", BIG], "--initial-cases"),
        (["epi", "--r0", "inf"], "--r0"),
        (["epi", "--r0", "nan"], "--r0"),
        (["epi", "--r0", "1e308"], "--r0"),
        (["epi", "--k", "inf"], "--k"),
        (["epi", "--seed", str(2**64)], "--seed"),
    ],
)
def test_out_of_range_arguments(tmp_path, monkeypatch, capsys, args, message):
    monkeypatch.chdir(tmp_path)
    code, _, err = drill(monkeypatch, capsys, *args)
    assert code == 2, err
    assert message in one_line(err)
    assert os.listdir(tmp_path) == []  # nothing written
