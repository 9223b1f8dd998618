"""How fast is `podcast build`, compared with the raw tools it drives, on this machine?

Prints one table. Every row is measured in the same run, interleaved run by run, so that a
machine that speeds up or slows down during the benchmark shifts all rows alike:

- floor: espeak-ng's own command line speaking the episode's narration text, then ffmpeg
  encoding that WAV with the build's MP3 settings and binary. No build can do less work, so
  each row's ratio to it says how much the project adds.
- cold build: a fresh show folder and an empty speech cache.
- warm rebuild: the same build again; everything is cached.
- edited rebuild: one sentence appended to one segment's script, then a rebuild from the folder.
- `podcast --help`: start-up time, which every command pays.

Everything happens in temporary folders; nothing is written into the repository.

    python bench/run.py [--runs N] [--article PATH] [--quick] [--no-floor]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from mutagen.mp3 import MP3

from podcast.mix import BITRATE, SAMPLE_RATE, ffmpeg

REPO = Path(__file__).resolve().parents[1]
REAL_ARTICLE = REPO.parent / "shared" / "articles" / "zuckerberg-bloomberg-interview.txt"
SAMPLE_ARTICLE = REPO / "articles" / "sample.md"

FLOOR = "floor: espeak-ng + ffmpeg"
COLD = "cold build"
WARM = "warm rebuild, nothing changed"
EDITED = "rebuild after editing one segment"
HELP = "podcast --help"
ROWS = (FLOOR, COLD, WARM, EDITED, HELP)

ADDED_SENTENCE = "This sentence was added to measure a rebuild after an edit."
MEMORY_SAMPLE_SECONDS = 0.02
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Run:
    """One command's wall time and memory."""

    seconds: float
    largest_rss: int  # bytes: the largest single process of the tree, exact (from the kernel)
    tree_rss: int  # bytes: the largest sum of RSS over the live tree, sampled; 0 when not sampled


def median_min_max(times: list[float]) -> tuple[float, float, float]:
    """The three numbers each row shows: the median is robust to one slow run, the
    range shows how noisy the machine was."""
    return statistics.median(times), min(times), max(times)


def ratio(median: float, floor_median: float | None) -> str:
    """A row's median as a multiple of the floor's, or "-" when the floor was not measured."""
    return "-" if floor_median is None else f"{median / floor_median:.2f}x"


def format_row(name: str, times: list[float], floor_median: float | None) -> str:
    middle, low, high = median_min_max(times)
    return f"{name:<36}{middle:>9.3f}{low:>9.3f}{high:>9.3f}{ratio(middle, floor_median):>10}"


def header() -> str:
    return f"{'':<36}{'median s':>9}{'min s':>9}{'max s':>9}{'/ floor':>10}"


def timed(command: list[str], env: dict[str, str], watch_tree: bool = False) -> Run:
    """Run a command to completion; its wall time and peak memory.

    The child is reaped with wait4, whose resource usage covers the child and every
    descendant it waited for: ru_maxrss is then the largest single process of the tree. The
    tree's total (main process plus speech workers alive together) needs sampling instead.
    """
    tree_peak = 0
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        done = threading.Event()

        def watch() -> None:
            nonlocal tree_peak
            while not done.wait(MEMORY_SAMPLE_SECONDS):
                tree_peak = max(tree_peak, tree_rss(process.pid))

        watcher = threading.Thread(target=watch, daemon=True)
        if watch_tree:
            watcher.start()
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        done.set()
        if watch_tree:
            watcher.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            errors.seek(0)
            message = errors.read().decode(errors="replace").strip()
            sys.exit(f"{' '.join(command)} failed ({process.returncode}):\n{message}")
    return Run(seconds, usage.ru_maxrss * 1024, tree_peak)


def tree_rss(root: int) -> int:
    """The resident memory of `root` and all its descendants right now, in bytes (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:  # exited since the listing
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE
        except OSError:
            pass
    return total


def narration_text(script_folder: Path) -> str:
    """What the voice says: every segment file in reading order, without its `# Chapter` line."""
    segments = [
        "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("# "))
        for path in sorted(script_folder.glob("*.txt"))
    ]
    return "\n\n".join(segment.strip() for segment in segments) + "\n"


def floor_seconds(text_file: Path, work: Path, env: dict[str, str]) -> float:
    """espeak-ng's command line, then ffmpeg with the build's MP3 settings: the least any build does."""
    wav, mp3 = work / "floor.wav", work / "floor.mp3"
    speak = ["espeak-ng", "-v", "en-us", "-s", "165", "-w", str(wav), "-f", str(text_file)]
    encode = [ffmpeg(), "-v", "error", "-y", "-i", str(wav), "-ar", str(SAMPLE_RATE), "-ac", "1", "-b:a", BITRATE, str(mp3)]
    return timed(speak, env).seconds + timed(encode, env).seconds


def edit_one_segment(script_folder: Path) -> None:
    """Append a sentence to the first takeaway's script, so exactly one new sentence is spoken."""
    segment = sorted(script_folder.glob("01-*.txt"))[0]
    segment.write_text(segment.read_text(encoding="utf-8").rstrip() + " " + ADDED_SENTENCE + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per row (default 5)")
    default_article = REAL_ARTICLE if REAL_ARTICLE.exists() else SAMPLE_ARTICLE
    parser.add_argument("--article", type=Path, default=default_article, help=f"default {default_article}")
    parser.add_argument("--quick", action="store_true", help="one run per row: checks the benchmark works")
    parser.add_argument("--no-floor", action="store_true", help="skip the espeak-ng + ffmpeg floor and the ratios")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    runs = 1 if args.quick else args.runs
    article = args.article.resolve()
    if not args.no_floor and shutil.which("espeak-ng") is None:
        print("espeak-ng is not installed; the floor row needs its command line "
              "(hint: apt-get install espeak-ng), or pass --no-floor.", file=sys.stderr)
        sys.exit(2)

    podcast = [sys.executable, "-m", "podcast"]
    times: dict[str, list[float]] = {row: [] for row in ROWS if not (args.no_floor and row == FLOOR)}
    cold_runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="podcast-bench-") as scratch:
        root = Path(scratch)
        env = {**os.environ, "XDG_CACHE_HOME": str(root / "setup-cache")}
        timed([*podcast, "script", str(article), "--show", str(root / "setup")], env)
        text_file = root / "narration.txt"
        text_file.write_text(narration_text(next((root / "setup" / "scripts").iterdir())), encoding="utf-8")

        for number in range(1, runs + 1):
            print(f"run {number}/{runs}", file=sys.stderr, flush=True)
            work = root / f"run{number}"
            show = work / "show"
            show.mkdir(parents=True)
            env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache")}
            build = [*podcast, "build", "--show", str(show)]
            if not args.no_floor:
                times[FLOOR].append(floor_seconds(text_file, work, env))
            cold_runs.append(timed([*build, str(article)], env, watch_tree=True))
            times[COLD].append(cold_runs[-1].seconds)
            minutes = MP3(next((show / "episodes").glob("*.mp3"))).info.length / 60
            times[WARM].append(timed([*build, str(article)], env).seconds)
            script_folder = next((show / "scripts").iterdir())
            edit_one_segment(script_folder)
            times[EDITED].append(timed([*build, str(script_folder)], env).seconds)
            times[HELP].append(timed([*podcast, "--help"], env).seconds)

    floor_median = None if args.no_floor else statistics.median(times[FLOOR])
    print(f"{article.name}: {runs} run(s), {os.cpu_count()} CPUs, ffmpeg {ffmpeg()}")
    print(header())
    for name, row_times in times.items():
        print(format_row(name, row_times, floor_median))
    cold_median = statistics.median(times[COLD])
    print(f"audio: {minutes:.2f} min; cold build {cold_median / minutes:.3f} s per minute of audio")
    print(f"peak memory of the cold build: {max(r.tree_rss for r in cold_runs) / 2**20:.0f} MB summed over its "
          f"process tree, {max(r.largest_rss for r in cold_runs) / 2**20:.0f} MB in its largest process")


if __name__ == "__main__":
    main()
