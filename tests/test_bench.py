"""The benchmark script runs and prints the table it promises.

Its numbers are not checked, only their shape: the point is that a change to the CLI or the
build cannot silently break the benchmark. --no-floor keeps the test independent of the
espeak-ng command line, which the project itself does not need.
"""

from __future__ import annotations

import doctest
import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType

import pytest

from podcast.article import Article, Takeaway, load_article
from podcast.narration import narrate
from podcast.script import write_script
from podcast.errors import SpeechError
from podcast.engines import ENGINES
from podcast.spoken import sentences

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
        [sys.executable, str(SCRIPT), "--quick", "--no-floor", "--no-neural", "--no-listen", "--sizes", "0.5,2",
         "--article", str(REPO / "articles" / "sample.md")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for name in bench.ROWS:
        if name == bench.FLOOR:
            assert not any(line.startswith(name) for line in lines)
            continue
        [row] = [line for line in lines if line.startswith(name)]
        median, low, high, ratio, cpu, cpu_ratio = row[len(name) :].split()
        assert 0 < float(low) <= float(median) <= float(high)
        assert float(cpu) > 0 and ratio == cpu_ratio == "-"
    audio = next(line for line in lines if line.startswith("audio:"))
    assert float(audio.split()[1]) > 0.5  # minutes: the sample article is a few minutes long
    memory = next(line for line in lines if line.startswith("peak memory of the cold build:"))
    assert all(int(word) > 10 for word in memory.split() if word.isdigit())
    [redone] = [line for line in lines if line.startswith(bench.REDONE)]
    assert "rewrote the MP3 in 0 of 1 run(s)" in redone and "synthesised 1 new piece(s)" in redone
    table = lines[lines.index(next(line for line in lines if line.startswith(bench.SCALING))) + 2 :][:2]
    minutes = []
    for row, size in zip(table, ("~0.5 min", "~2 min")):
        assert row.startswith(size), row
        audio, distinct, floor, median, low, high, ratio, per_minute, cpu, cpu_ratio, tree_mb, largest_mb = row[
            len(size) :
        ].split()
        assert distinct == "100.0%" and floor == ratio == cpu_ratio == "-"
        assert float(cpu) > 0
        assert 0 < float(low) <= float(median) <= float(high)
        assert float(per_minute) == pytest.approx(float(median) / float(audio), rel=0.01, abs=0.002)
        assert float(tree_mb) > 10 and float(largest_mb) > 10
        minutes.append(float(audio))
    assert 0.3 < minutes[0] < minutes[1]
    targets = [line.split(" (<=")[0] for line in lines if line.startswith(bench.TARGET)]
    assert [name.rsplit(" ", 2 if name.endswith((" s", " MB")) else 1)[0] for name in targets] == [
        "target: warm rebuild",
        "target: edited rebuild / cold build",
        "target: podcast --help",
        "target: time per minute, ~2 / ~0.5 min",
        "target: peak memory of the tree, ~2 min",
    ]
    assert [line for line in lines if line.startswith(bench.NEURAL)] == [f"{bench.NEURAL} not measured (--no-neural)"]
    assert [line for line in lines if line.startswith(bench.LISTEN)] == [f"{bench.LISTEN} not measured (--no-listen)"]


@pytest.mark.slow
def test_the_listening_rows_hear_every_installed_engine(bench: ModuleType, tmp_path: Path) -> None:
    article = Article("Title", ("Meta's AI grew fast in 2024.",), (Takeaway("One point", ("The CEO spoke for an hour.",)),), ())
    lines = bench.listening_report(narrate(article, "Show", "Listening"), tmp_path)
    assert [line.split(":")[1].strip() for line in lines] == list(ENGINES)
    for line in lines:
        if "not installed" not in line:
            rate = float(line.split("word error rate ")[1].split("%")[0])
            assert 0 <= rate < 30 and '"AI" heard right' in line, line


def test_scaled_digest_grows_with_its_size_and_never_repeats_a_sentence(bench: ModuleType) -> None:
    article = load_article(REPO / "articles" / "sample.md")
    short, long = (load_article_text(bench.scaled_digest(article, minutes)) for minutes in (2, 8))
    spoken = [sentence for digest in (short, long) for sentence in sentences_of(digest)]
    assert len(sentences_of(long)) > 3 * len(sentences_of(short))
    assert len(set(sentences_of(long))) == len(sentences_of(long))
    assert len(long.takeaways) < 100  # segment files NN-... sort in reading order only below 100
    # every source sentence is there, numbered: nothing of the article is left out or rewritten
    for paragraph in article.takeaways[0].paragraphs:
        for sentence in sentences(paragraph):
            assert any(line.endswith(": " + sentence) for line in spoken)


def test_real_time_factor_is_synthesis_time_over_audio_time(bench: ModuleType, tmp_path: Path) -> None:
    """The neural row's measure, on the default engine: every run really synthesises, into its own empty cache."""
    script = narrate(Article("Title", ("An intro.",), (Takeaway("One point", ("A short point.",)),), ()), "Show", "Bench")
    cache_before = os.environ["XDG_CACHE_HOME"]
    factors = bench.real_time_factor("pyttsx3", script, tmp_path, 2)
    assert len(factors) == 2 and all(factor > 0 for factor in factors)
    assert os.environ["XDG_CACHE_HOME"] == cache_before
    for number in range(2):
        assert bench.cached_pieces(tmp_path / f"pyttsx3-cache-{number}") == len(set(bench.spoken_sentences(script)))


def test_the_neural_row_measures_piper_where_it_is_installed(bench: ModuleType, tmp_path: Path) -> None:
    script = narrate(Article("Title", ("An intro.",), (Takeaway("One point", ("A short point.",)),), ()), "Show", "Neural")
    try:
        ENGINES["piper"].version()  # raises where the `neural` extra is missing
        installed = True
    except (KeyError, SpeechError):
        installed = False
    line = bench.neural_report(script, tmp_path, 1)
    assert line.startswith(bench.NEURAL)
    assert ("real-time factor" in line) == installed and ("not installed" in line) != installed, line


def test_the_floor_speaks_the_scripts_words_without_their_marks(bench: ModuleType, tmp_path: Path) -> None:
    script = narrate(Article("Title", ("An intro.",), (Takeaway("One point", ("A short point.",)),), ()), "Show", "Floor")
    write_script(script, tmp_path / "floor")
    text = bench.narration_text(tmp_path / "floor", "pyttsx3")
    assert text.rstrip("\n").split("\n\n") == [p for segment in script.segments for p in segment.paragraphs]
    assert "Takeaway one: One point." in text and "A short point." in text
    assert not any(line.startswith(("#", ">")) for line in text.splitlines())


def load_article_text(text: str) -> Article:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "digest.md"
        path.write_text(text, encoding="utf-8")
        return load_article(path)


def sentences_of(article: Article) -> list[str]:
    return [s for t in article.takeaways for p in t.paragraphs for s in sentences(p)]


def test_median_min_max_and_ratio(bench: ModuleType) -> None:
    assert bench.median_min_max([3.0, 1.0, 2.0, 10.0, 2.5]) == (2.5, 1.0, 10.0)
    assert bench.ratio(3.0, 1.5) == "2.00x"
    assert bench.ratio(3.0, None) == "-"
    assert bench.target("x", 1.31, 1.3).endswith("(<= 1.3: MISSED)") and bench.target("x", 1.3, 1.3).endswith("met)")
    assert bench.parse_sizes("20,5, 60") == [5.0, 20.0, 60.0] and bench.parse_sizes("") == []
    with pytest.raises(ValueError):
        bench.parse_sizes("5,0")
    runs = [bench.Run(seconds, 0, 0, cpu) for seconds, cpu in ((1.0, 0.5), (2.0, 0.75), (4.0, 3.0))]
    floor = [bench.Run(0.5, 0, 0, 0.25)]
    row = bench.format_row(bench.COLD, runs, floor)
    assert row.startswith(bench.COLD) and row.split()[-6:] == ["2.000", "1.000", "4.000", "4.00x", "0.750", "3.00x"]


def test_the_bench_scripts_doctests(bench: ModuleType) -> None:
    """bench/ is outside pytest's doctest paths: run its examples here."""
    failed, attempted = doctest.testmod(bench)
    assert attempted >= 3 and failed == 0


def test_the_reading_bench_runs_and_prints_every_row_and_the_target() -> None:
    """bench/parse.py on a small article, with this interpreter as its own baseline."""
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "parse.py"), "--runs", "1", "--lines", "2000", "--headings", "60",
         "--baseline", sys.executable],
        capture_output=True, text=True, timeout=300, check=True,
    )
    rows = [line.rsplit(None, 5)[0].strip() for line in done.stdout.splitlines() if line.endswith("x markdown-it")]
    kinds = ("markdown", "plain text", "markdown, a quarter")
    expected = [f"{kind}: {row}" for kind in kinds for row in ("read", "markdown-it", "parse")]
    assert rows == [*expected, "markdown: podcast script", "markdown: baseline podcast script"], done.stdout
    assert "baseline / this code, podcast script:" in done.stdout
    assert done.stdout.splitlines()[-1].startswith("target: podcast script of the article within 5 s:"), done.stdout
