"""Does a show with many episodes make adding one slower? (issue 14: at most 0.5 s more with 1,000)

Builds the same short article into two shows side by side, interleaved run by run: one with one
published episode, one with `--episodes` (default 1,000). The big show's episodes are real files
in episodes/ (an MP3, chapters, two transcripts each; a few bytes apiece, as a build's cost per
episode is per file, not per byte) named by a real catalog, so every per-episode cost of a build
(staging copy, catalog, feed, page) is paid. The speech cache is warmed first, so both builds
synthesise nothing and the difference is the show's size alone. Prints medians, the difference
and the ratio, the page and feed sizes, and whether the target is met.

    .venv/bin/python bench/shows.py [--runs 5] [--episodes 1000]

It also times reading and writing catalogs of 1,000 and 4,000 episodes in-process, to show
that the cost grows linearly.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ARTICLE = """# One more episode

A short article added to a show, to time what the show's size costs.

## The first point

Say one thing clearly.

## The second point

Then say the next thing.
"""
TARGET_SECONDS = 0.5


def make_show(folder: Path, episodes: int) -> Path:
    """A show folder with `episodes` published episodes in its catalog and on disk."""
    output = folder / "episodes"
    output.mkdir(parents=True)
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    catalog = []
    for number in range(episodes):
        slug = f"earlier-episode-{number}"
        for suffix in (".mp3", ".chapters.json", ".vtt", ".srt"):
            (output / f"{slug}{suffix}").write_bytes(b"x" * 64)
        catalog.append(
            {
                "slug": slug,
                "guid": f"urn:uuid:00000000-0000-4000-8000-{number:012d}",
                "title": f"Earlier episode {number}: what an article said",
                "description": "An earlier article, in a sentence or two of introduction.\n\n1. A point\n2. Another point",
                "published": (start + timedelta(hours=number)).isoformat(),
                "duration": 300.0,
                "size": 64,
                "chapters": [{"title": f"Point {i}", "start": i * 60.0, "end": i * 60.0 + 60.0} for i in range(5)],
                "sources": [f"https://example.org/posts/{number}"],
            }
        )
    (output / "catalog.json").write_text(json.dumps({"episodes": catalog}, indent=2), encoding="utf-8")
    (folder / "podcast.toml").write_text('[show]\nbase_url = "https://example.org/show/"\n', encoding="utf-8")
    return folder


def timed_build(template: Path, work: Path, article: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, the whole process tree) of `podcast build` adding
    the article to a fresh copy of `template`. CPU time is what other people's load on a shared
    machine barely moves."""
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(template, work)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "podcast", "build", str(article), "--show", str(work)], check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def catalog_seconds(folder: Path, episodes: int) -> float:
    """CPU seconds to read a catalog of `episodes` and write it back with its feed and page."""
    from podcast.catalog import load_catalog
    from podcast.publish import _save
    from podcast.show import load_show

    show = load_show(make_show(folder, episodes))
    started = time.process_time()
    _save(show, load_catalog(show))
    return time.process_time() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--episodes", type=int, default=1000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        article = root / "one-more.md"
        article.write_text(ARTICLE, encoding="utf-8")
        small, big = make_show(root / "small", 1), make_show(root / "big", options.episodes)
        timed_build(small, root / "warm", article)  # fills the speech and MP3 chunk caches
        times: dict[str, list[float]] = {"small": [], "big": []}
        cpu: dict[str, list[float]] = {"small": [], "big": []}
        for _run in range(options.runs):
            for name, template in (("small", small), ("big", big)):
                wall, used = timed_build(template, root / f"{name}-run", article)
                times[name].append(wall)
                cpu[name].append(used)
        page = (root / "big-run" / "episodes" / "index.html").stat().st_size
        feed = (root / "big-run" / "episodes" / "feed.xml").stat().st_size
        catalog = {n: min(catalog_seconds(root / f"catalog-{n}-{i}", n) for i in range(3)) for n in (1000, 4000)}
    one, many = statistics.median(times["small"]), statistics.median(times["big"])
    print(f"build of one short article, warm caches, median of {options.runs} runs each, interleaved:")
    print(f"  show with 1 episode:      {one:6.2f} s  (min {min(times['small']):.2f}, max {max(times['small']):.2f})")
    print(f"  show with {options.episodes} episodes: {many:6.2f} s  (min {min(times['big']):.2f}, max {max(times['big']):.2f})")
    print(f"  difference {many - one:+.2f} s, ratio {many / one:.2f}")
    cpu_one, cpu_many = statistics.median(cpu["small"]), statistics.median(cpu["big"])
    print(f"  CPU (user + system, process tree): {cpu_one:.2f} s vs {cpu_many:.2f} s, difference {cpu_many - cpu_one:+.2f} s")
    print(f"  big show's index.html {page / 1e6:.2f} MB, feed.xml {feed / 1e6:.2f} MB")
    print(f"  catalog read + write (with feed and page), CPU: 1,000 episodes {catalog[1000]:.3f} s, "
          f"4,000 {catalog[4000]:.3f} s (x{catalog[4000] / catalog[1000]:.1f} for x4: linear at most)")
    verdict = {True: "met", False: "MISSED"}
    light = page < 1_000_000
    print(f"target: at most {TARGET_SECONDS} s more: wall {verdict[many - one <= TARGET_SECONDS]}, "
          f"CPU {verdict[cpu_many - cpu_one <= TARGET_SECONDS]}; page under 1 MB: {verdict[light]}")
    return 0 if light and min(many - one, cpu_many - cpu_one) <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
