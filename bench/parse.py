"""How fast is reading a very long article, compared with the parser it stands on?

Generates a Markdown article of 100,000 lines with 3,000 headings (paragraphs with links, bold
lead-ins, lists and code blocks, as real pages have) and the same article as plain text, then
times, interleaved run by run so that a busy machine disturbs every row alike:

- read: reading the file's text (the floor of any reading);
- markdown-it: markdown-it-py tokenising the same text alone, stock, with the cycle collector
  paused as the reader pauses it (the parser this project reads Markdown with; the reader skips
  its inline parser for plain text, so reading may take less than this);
- parse: `load_article` on the file (read, decode, tokens or lines -> blocks -> Article);
- script: `podcast script` on the file in a fresh show (parse, narrate, write the script folder).

Times are CPU seconds (the command's whole process for `podcast script`): on a shared machine
they are disturbed far less than wall time. It prints each row's median and its ratio to markdown-it, the parse time of a quarter of the
article beside the whole (reading must grow in proportion, not faster), and one line for the
target of issue 12: `podcast script` of this article within 5 s.

With `--baseline PYTHON` (the interpreter of another checkout's venv, e.g. the code before a
change: `git worktree add /tmp/base REV && make -C /tmp/base .venv/bin/podcast`, then
`--baseline /tmp/base/.venv/bin/python`), each run also times `podcast script` of that code,
right after this code's, and prints its median and how many times slower it is. Each run has
an empty cache of its own (no narration remembered), and the package is compiled first, as
`pip install .` leaves it.

    python bench/parse.py [--runs N] [--lines N] [--headings N] [--baseline PYTHON]
"""

from __future__ import annotations

import argparse
import compileall
import gc
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from markdown_it import MarkdownIt

import podcast
from podcast.article import load_article

TARGET_SECONDS = 5.0


def article(lines: int, headings: int, markdown: bool) -> str:
    """A long digest: a title, an intro, then `headings` sections filling `lines` lines."""
    out = ["# A very long digest" if markdown else "A very long digest", "", "Why this digest was written.", ""]
    per_section = (lines - len(out)) // headings
    for number in range(1, headings + 1):
        section = [f"## Point {number} about the work" if markdown else f"Point {number} about the work", ""]
        kinds = 0
        while len(section) < per_section - 1:
            kinds += 1
            if markdown and kinds % 7 == 0 and len(section) + 5 < per_section:
                section += ["```bash", "# list big files", "du -sh * | sort -h", "```", ""]
            elif markdown and kinds % 5 == 0:
                section += ["- a point in a list, with **bold** words", ""]
            elif markdown and kinds % 3 == 0:
                section += [f"See [the notes](https://example.org/{number}) on `point {number}` &amp; more.", ""]
            else:
                section += [f"Paragraph {kinds} of point {number} says something plain about the work.", ""]
        out += section[: per_section]
    out += ["Last words of the digest."] * (lines - len(out))
    return "\n".join(out[:lines]) + "\n"


def timed(step: Callable[[], object]) -> float:
    start = time.process_time()
    step()
    return time.process_time() - start


def tokenised(tokens: MarkdownIt, path: Path) -> float:
    """markdown-it alone, as the reader runs it: with the cycle collector paused."""
    gc.disable()
    try:
        return timed(lambda: tokens.parse(path.read_text(encoding="utf-8")))
    finally:
        gc.enable()


def script_command(source: Path, show: Path, python: str = sys.executable) -> float:
    """`podcast script` as a user runs it, in a fresh show folder (its start-up included)."""
    show.mkdir()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    # Run from the show folder: `-m` puts the working folder first on the module path, and a
    # checkout's own folder there would shadow the code the interpreter was installed with.
    # An empty cache of its own: a narration remembered from an earlier run would not be reading.
    env = {**os.environ, "XDG_CACHE_HOME": str(show.resolve() / ".cache")}
    subprocess.run([python, "-m", "podcast", "script", str(source.resolve()), "--show", str(show.resolve())],
                   check=True, stdout=subprocess.DEVNULL, cwd=show, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--runs", type=int, default=3)
    options.add_argument("--lines", type=int, default=100_000)
    options.add_argument("--headings", type=int, default=3_000)
    options.add_argument("--baseline", metavar="PYTHON", help="also time podcast script with this interpreter's podcast")
    args = options.parse_args()
    compileall.compile_dir(Path(podcast.__file__).parent, quiet=1)
    tokens = MarkdownIt("commonmark").enable("table")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        files = {
            "markdown": root / "long.md",
            "plain text": root / "long.txt",
            "markdown, a quarter": root / "quarter.md",
        }
        files["markdown"].write_text(article(args.lines, args.headings, True), encoding="utf-8")
        files["plain text"].write_text(article(args.lines, args.headings, False), encoding="utf-8")
        files["markdown, a quarter"].write_text(article(args.lines // 4, args.headings // 4, True), encoding="utf-8")
        rows: dict[str, list[float]] = {}
        for run in range(args.runs):
            for kind, path in files.items():
                rows.setdefault(f"{kind}: read", []).append(timed(lambda: path.read_text(encoding="utf-8")))
                rows.setdefault(f"{kind}: markdown-it", []).append(tokenised(tokens, path))
                rows.setdefault(f"{kind}: parse", []).append(timed(lambda: load_article(path)))
            rows.setdefault("markdown: podcast script", []).append(script_command(files["markdown"], root / f"show{run}"))
            if args.baseline:
                base = script_command(files["markdown"], root / f"baseline{run}", args.baseline)
                rows.setdefault("markdown: baseline podcast script", []).append(base)
    medians = {name: statistics.median(times) for name, times in rows.items()}
    print(f"Reading a {args.lines:,}-line article with {args.headings:,} headings; CPU s, median of {args.runs} runs")
    for name, seconds in medians.items():
        floor = medians[f"{name.split(':')[0]}: markdown-it"]
        print(f"  {name:32} {seconds:7.2f} s   {seconds / floor:5.2f} x markdown-it")
    growth = medians["markdown: parse"] / medians["markdown, a quarter: parse"]
    print(f"  parse, whole / a quarter: {growth:.2f} (4.00 is linear)")
    script = medians["markdown: podcast script"]
    if args.baseline:
        print(f"  baseline / this code, podcast script: {medians['markdown: baseline podcast script'] / script:.2f}")
    verdict = "met" if script <= TARGET_SECONDS else "missed"
    print(f"target: podcast script of the article within {TARGET_SECONDS:g} s: {script:.2f} s, {verdict}"
          f" (parse {medians['markdown: parse']:.2f} s of it)")


if __name__ == "__main__":
    main()
