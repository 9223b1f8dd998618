"""The conftest hook that makes a skipped test fail under CI, run on a real pytest session."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CONFTEST = Path(__file__).with_name("conftest.py")
SKIPPING = '''
import pytest

def test_needs_a_tool():
    pytest.skip("the frobnicator is not installed")

@pytest.mark.skipif(True, reason="the shiny extra is not installed")
def test_needs_an_extra():
    pass

@pytest.mark.xfail(reason="a known bug", strict=False)
def test_known_bug():
    assert False

def test_runs():
    pass
'''


def session(folder: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != "CI"}
    if ci is not None:
        environment["CI"] = ci
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA", str(folder)],
                          capture_output=True, text=True, env=environment, cwd=folder)


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    shutil.copy(CONFTEST, tmp_path / "conftest.py")
    (tmp_path / "test_skipping.py").write_text(SKIPPING)
    return tmp_path


@pytest.mark.parametrize(("ci", "fails"), [("true", True), ("TRUE", True), (None, False), ("false", False)])
def test_a_skip_fails_only_under_ci_and_says_why(suite: Path, ci: str | None, fails: bool) -> None:
    result = session(suite, ci)
    if fails:
        assert result.returncode == 1, result.stdout
        # A skip in the test body fails it; a skip mark acts as the test is set up: an error.
        assert "1 failed, 1 passed, 1 xfailed, 1 error" in result.stdout
        assert "skipped under CI" in result.stdout and "the frobnicator is not installed" in result.stdout
        assert "the shiny extra is not installed" in result.stdout
    else:
        assert result.returncode == 0, result.stdout
        assert "1 passed, 2 skipped, 1 xfailed" in result.stdout
