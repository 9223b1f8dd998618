"""The benchmark script runs and prints the table it promises.

Its numbers are not checked, only their shape: the point is that a change to the CLI or the
build cannot silently break the benchmark. --no-floor keeps the test independent of the
espeak-ng command line, which the project itself does not need.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "bench" / "run.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """bench/run.py as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("bench_run", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_quick_run_prints_every_row(bench: ModuleType) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--no-floor", "--article", str(REPO / "articles" / "sample.md")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for name in bench.ROWS:
        if name == bench.FLOOR:
            assert not any(line.startswith(name) for line in lines)
            continue
        [row] = [line for line in lines if line.startswith(name)]
        *numbers, ratio = row[len(name) :].split()
        median, low, high = map(float, numbers)
        assert 0 < low <= median <= high
        assert ratio == "-"
    audio = next(line for line in lines if line.startswith("audio:"))
    assert float(audio.split()[1]) > 0.5  # minutes: the sample article is a few minutes long
    memory = next(line for line in lines if line.startswith("peak memory of the cold build:"))
    assert all(int(word) > 10 for word in memory.split() if word.isdigit())


def test_median_min_max_and_ratio(bench: ModuleType) -> None:
    assert bench.median_min_max([3.0, 1.0, 2.0, 10.0, 2.5]) == (2.5, 1.0, 10.0)
    assert bench.ratio(3.0, 1.5) == "2.00x"
    assert bench.ratio(3.0, None) == "-"
    row = bench.format_row(bench.COLD, [1.0, 2.0, 4.0], 0.5)
    assert row.startswith(bench.COLD) and row.split()[-4:] == ["2.000", "1.000", "4.000", "4.00x"]
