"""How fast is `podcast build`, compared with the raw tools it drives, on this machine?

Prints one report. Every row is measured in the same run, interleaved run by run, so that a
machine that speeds up or slows down during the benchmark shifts all rows alike:

- floor: the build's engine speaking the episode's whole narration text in one call (hibari's
  Python API with both cores, or espeak-ng's own command line for pyttsx3), then ffmpeg
  encoding that WAV with the build's MP3 settings and binary. No build can do less work, so
  each row's ratio to it says how much the project adds.
- cold build: a fresh show folder and an empty speech cache.
- warm rebuild: the same build again; everything is cached.
- edited rebuild: one sentence appended to one segment's script, then a rebuild from the folder.
- `podcast --help`: start-up time, which every command pays.
- scaling: cold builds of digests of about 5, 20 and 60 minutes of speech made from the
  article, each beside its own floor: seconds per minute of audio, how that grows from the
  shortest digest to the longest, and the peak memory of the build's whole process tree.
- the optional neural engine (piper): its real-time factor, where it is installed.
- listening: Whisper base hears the article's episode as each installed engine speaks it; its
  word error rate against the script, and how often "AI" was heard as written.

Each row shows its wall time and the CPU time of its whole process tree, which other work on
a shared machine disturbs far less. The report checks what the rebuilds redid and ends with
one line per target of issues 7 and 11, met or missed. Everything happens in temporary folders; nothing is written into the repository
but the package's compiled bytecode: the builds run as `pip install .` leaves the package,
compiled (with PYTHONDONTWRITEBYTECODE set, as on some machines, an editable install would
otherwise compile every module of the package at each start: about 0.1 s of every command).

    python bench/run.py [--runs N] [--sizes 5,20,60] [--article PATH] [--engine NAME] [--quick]
                        [--no-floor] [--no-neural] [--no-listen]
"""

from __future__ import annotations

import argparse
import compileall
import itertools
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

import psutil
from mutagen.mp3 import MP3

import podcast as podcast_package
from podcast.article import Article, load_article
from podcast.errors import SpeechError
from podcast.ffmpeg import ffmpeg
from podcast.mix import BITRATE, SAMPLE_RATE
from podcast.script import Script, read_script
from podcast.engines import ENGINES, HibariEngine, Pyttsx3Engine, Voice
from podcast.speech import Request, speak, wav_seconds
from podcast.spoken import sentences

REPO = Path(__file__).resolve().parents[1]
REAL_ARTICLE = REPO.parent / "shared" / "articles" / "zuckerberg-bloomberg-interview.txt"
SAMPLE_ARTICLE = REPO / "articles" / "sample.md"

FLOOR = "floor: the engine alone + ffmpeg"
COLD = "cold build"
WARM = "warm rebuild, nothing changed"
EDITED = "rebuild after editing one segment"
HELP = "podcast --help"
ROWS = (FLOOR, COLD, WARM, EDITED, HELP)
SCALING = "scaling:"
TARGET = "target:"
NEURAL = "neural engine (piper):"
LISTEN = "listening:"
DEFAULT_ENGINE = "hibari"  # what an English show speaks with
# The floor's hibari: the same model and speed as the build's engine, the whole text in one call,
# with both cores (the build's two workers use one each).
HIBARI_FLOOR = (
    "import sys\nfrom hibari import Hibari\n"
    "Hibari(threads=2).save(open(sys.argv[1], encoding='utf-8').read(), sys.argv[2], speed=float(sys.argv[3]), seed=0)"
)
REDONE = "redone:"

ADDED_SENTENCE = "This sentence was added to measure a rebuild after an edit."
# Often enough to catch the mix's peak (it holds for the whole encode), rarely enough that
# sampling (a few ms for a tree walk here) takes little CPU from the build it watches.
MEMORY_SAMPLE_SECONDS = 0.1
DEFAULT_SIZES = "5,20,60"
# Words of article text per minute of finished audio, signposts and pauses included: about what
# the real article gives once every sentence is numbered. Only sizes the digests; rows report the
# minutes actually built.
WORDS_PER_MINUTE = 125
STRAIGHT_QUOTES = str.maketrans({"“": '"', "”": '"'})


@dataclass(frozen=True)
class Run:
    """One command's wall time and memory."""

    seconds: float
    largest_rss: int  # bytes: the largest single process of the tree, exact (from the kernel)
    tree_pss: int  # bytes: the largest sum of PSS over the live tree, sampled; 0 when not sampled
    # User + system CPU seconds of the whole tree (the kernel's, for every process waited for):
    # far less sensitive than wall time to other work on a shared machine.
    cpu: float = 0.0


def median_min_max(times: list[float]) -> tuple[float, float, float]:
    """The three numbers each row shows: the median is robust to one slow run, the
    range shows how noisy the machine was."""
    return statistics.median(times), min(times), max(times)


def ratio(median: float, floor_median: float | None) -> str:
    """A row's median as a multiple of the floor's, or "-" when the floor was not measured."""
    return "-" if floor_median is None else f"{median / floor_median:.2f}x"


def format_row(name: str, runs: list[Run], floor: list[Run] | None) -> str:
    middle, low, high = median_min_max([run.seconds for run in runs])
    cpu = statistics.median(run.cpu for run in runs)
    floor_wall, floor_cpu = (None, None) if floor is None else (median_of(floor, "seconds"), median_of(floor, "cpu"))
    return (f"{name:<36}{middle:>9.3f}{low:>9.3f}{high:>9.3f}{ratio(middle, floor_wall):>10}"
            f"{cpu:>9.3f}{ratio(cpu, floor_cpu):>10}")


def header() -> str:
    return f"{'':<36}{'median s':>9}{'min s':>9}{'max s':>9}{'/ floor':>10}{'cpu s':>9}{'cpu/floor':>10}"


def median_of(runs: list[Run], field: str) -> float:
    return statistics.median(getattr(run, field) for run in runs)


def timed(command: list[str], env: dict[str, str], watch_tree: bool = False) -> Run:
    """Run a command to completion; its wall time and peak memory.

    The child is reaped with wait4, whose resource usage covers the child and every
    descendant it waited for: ru_maxrss is then the largest single process of the tree. The
    tree's total (main process, speech workers and ffmpeg alive together) needs sampling.
    """
    tree_peak = 0
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        done = threading.Event()

        def watch() -> None:
            nonlocal tree_peak
            root = psutil.Process(process.pid)
            while not done.wait(MEMORY_SAMPLE_SECONDS):
                # RSS is cheap and never below PSS: only a sum above the peak can raise it.
                if tree_memory(root, "rss") > tree_peak:
                    tree_peak = max(tree_peak, tree_memory(root, "pss"))

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
    return Run(seconds, usage.ru_maxrss * 1024, tree_peak, usage.ru_utime + usage.ru_stime)


def tree_memory(root: psutil.Process, kind: str) -> int:
    """The memory of `root` and all its descendants right now, in bytes: their summed "rss" or "pss".

    RSS counts a page shared by several processes once in each: a child forked from a big build
    shares all its pages until it execs ffmpeg, and summed RSS then shows the build twice. PSS
    (proportional set size) counts 1/n of such a page in each of its n sharers, so its sum is what
    the tree really holds; it costs a walk of the page tables (about 5 ms for 300 MB).
    """
    total = 0
    try:
        members = [root, *root.children(recursive=True)]
    except psutil.Error:  # the build has just exited
        return 0
    for member in members:
        try:
            total += member.memory_info().rss if kind == "rss" else member.memory_full_info().pss
        except psutil.Error:  # exited since the listing
            pass
    return total


def narration_text(script_folder: Path, engine: str = DEFAULT_ENGINE) -> str:
    """What the voice says: every paragraph of the script in reading order, read as a build reads
    it (without chapter lines or the announcer's "> " marks, which espeak-ng would speak), as the
    engine's adapter gives it to the engine."""
    script = read_script(script_folder)
    paragraphs = (paragraph for segment in script.segments for paragraph in segment.paragraphs)
    return "\n\n".join(map(ENGINES[engine].spoken, paragraphs)) + "\n"


def spoken_sentences(script: Script) -> list[str]:
    """Every sentence the build synthesises, in order: one speech piece each."""
    return [sentence for segment in script.segments for paragraph in segment.sentences() for sentence in paragraph]


def floor_run(text_file: Path, work: Path, env: dict[str, str], engine: str = DEFAULT_ENGINE) -> Run:
    """The engine alone speaking the whole text, then ffmpeg with the build's MP3 settings: the least any build does."""
    wav, mp3 = work / "floor.wav", work / "floor.mp3"
    if engine == "hibari":
        speed = str(Voice().rate / HibariEngine.NATURAL_RATE)
        speak_command = [sys.executable, "-c", HIBARI_FLOOR, str(text_file), str(wav), speed]
    else:
        # The voice and pace pyttsx3 gives an English show (the command line takes the voice by
        # its language name, "+" and the variant).
        voice = f"en-gb-x-rp+{Pyttsx3Engine.ENGLISH_VARIANT}"
        pace = str(round(Voice().rate * Pyttsx3Engine.RATE_SCALE))
        speak_command = ["espeak-ng", "-v", voice, "-s", pace, "-w", str(wav), "-f", str(text_file)]
    encode = [ffmpeg(), "-v", "error", "-y", "-i", str(wav), "-ar", str(SAMPLE_RATE), "-ac", "1", "-b:a", BITRATE, str(mp3)]
    spoken, encoded = timed(speak_command, env), timed(encode, env)
    wav.unlink()
    return Run(spoken.seconds + encoded.seconds, max(spoken.largest_rss, encoded.largest_rss), 0, spoken.cpu + encoded.cpu)


def file_identity(path: Path) -> tuple[int, int]:
    """Changes when the file is written again (atomic writes rename a new file into place)."""
    status = path.stat()
    return status.st_ino, status.st_mtime_ns


def cached_pieces(cache_home: Path) -> int:
    """How many synthesised pieces the speech cache under this XDG_CACHE_HOME holds."""
    return sum(1 for _ in cache_home.rglob("*.wav"))


def edit_one_segment(script_folder: Path) -> None:
    """Append a sentence to the first takeaway's script, so exactly one new sentence is spoken."""
    segment = sorted(script_folder.glob("01-*.txt"))[0]
    segment.write_text(segment.read_text(encoding="utf-8").rstrip() + " " + ADDED_SENTENCE + "\n", encoding="utf-8")


def scaled_digest(article: Article, minutes: float) -> str:
    """A Markdown digest of about `minutes` of speech, made by cycling through `article`'s takeaways.

    Every sentence is numbered ("Point 17: ...") by one counter that runs through the whole
    digest, so no two sentences are the same text and the speech cache cannot make a long
    digest cheaper than a real one of that length. Each takeaway holds two of the article's in
    turn, so even an hour stays under 100 takeaways, the most that segment file names
    ("NN-...") keep in order.
    """
    counter = itertools.count(1)

    def vary(paragraph: str) -> str:
        # Narration splits its spoken text, where curly quotes are already straight: a sentence
        # ending in ” must be split here too, or the sentence after it would go unnumbered.
        straight = paragraph.translate(STRAIGHT_QUOTES)
        return " ".join(f"Point {next(counter)}: {sentence}" for sentence in sentences(straight))

    wanted = minutes * WORDS_PER_MINUTE
    blocks = [f"# A digest of about {minutes:g} minutes", *map(vary, article.intro)]
    takeaways = itertools.cycle(article.takeaways)
    for part in itertools.count(1):
        if sum(len(block.split()) for block in blocks) >= wanted:
            break
        first, second = next(takeaways), next(takeaways)
        blocks += [f"## {first.heading}, part {part}", *map(vary, first.paragraphs + second.paragraphs)]
    blocks += ["## Conclusion", *map(vary, article.conclusion)]
    return "\n\n".join(blocks) + "\n"


@dataclass(frozen=True)
class Size:
    """A generated digest of the scaling rows, ready to build."""

    minutes: float  # asked for; the audio's real length is measured
    article: Path
    narration: Path  # its narration text, for the floor
    distinct: float  # fraction of its sentences that are unique


def prepare_size(minutes: float, source: Article, root: Path, env: dict[str, str], engine: str = DEFAULT_ENGINE) -> Size:
    """Write the digest and its narration text; count how many of its sentences are distinct."""
    folder = root / f"size-{minutes:g}"
    folder.mkdir()
    article = folder / "digest.md"
    article.write_text(scaled_digest(source, minutes), encoding="utf-8")
    timed([sys.executable, "-m", "podcast", "script", str(article), "--show", str(folder / "setup")], env)
    script_folder = next((folder / "setup" / "scripts").iterdir())
    narration = folder / "narration.txt"
    narration.write_text(narration_text(script_folder, engine), encoding="utf-8")
    spoken = spoken_sentences(read_script(script_folder))
    return Size(minutes, article, narration, len(set(spoken)) / len(spoken))


@dataclass
class SizeResult:
    floor: list[Run]
    builds: list[Run]
    audio_minutes: float = 0.0


def scaling_report(sizes: list[Size], results: list[SizeResult], with_floor: bool) -> list[str]:
    """The scaling table: one row per digest size, medians over the runs, memory at its largest."""
    lines = [
        f"{SCALING} cold builds of generated digests (every sentence distinct, "
        "memory: PSS summed over the process tree, and the largest process's RSS)",
        f"{'size':<8}{'audio min':>10}{'distinct':>9}{'floor s':>9}{'build s':>9}{'min s':>9}{'max s':>9}"
        f"{'/ floor':>9}{'s/min':>8}{'cpu s':>8}{'cpu/fl':>8}{'tree MB':>9}{'proc MB':>9}",
    ]
    for size, result in zip(sizes, results):
        build, low, high = median_min_max([run.seconds for run in result.builds])
        floor = median_of(result.floor, "seconds") if with_floor else None
        cpu = median_of(result.builds, "cpu")
        floor_cpu = median_of(result.floor, "cpu") if with_floor else None
        lines.append(
            f"{f'~{size.minutes:g} min':<8}{result.audio_minutes:>10.2f}{size.distinct:>9.1%}"
            f"{'-' if floor is None else f'{floor:.2f}':>9}{build:>9.2f}{low:>9.2f}{high:>9.2f}"
            f"{ratio(build, floor):>9}{seconds_per_minute(result):>8.3f}{cpu:>8.2f}{ratio(cpu, floor_cpu):>8}"
            f"{max(run.tree_pss for run in result.builds) / 2**20:>9.0f}"
            f"{max(run.largest_rss for run in result.builds) / 2**20:>9.0f}"
        )
    return lines


def seconds_per_minute(result: SizeResult) -> float:
    return statistics.median(run.seconds for run in result.builds) / result.audio_minutes


def target(name: str, value: float, limit: float, unit: str = "") -> str:
    """One of issue 7's targets, measured.

    >>> target("warm rebuild", 0.2634, 0.5, " s")
    'target: warm rebuild 0.263 s (<= 0.5 s: met)'
    >>> target("memory", 612.4, 512, " MB")
    'target: memory 612 MB (<= 512 MB: MISSED)'
    """
    return f"{TARGET} {name} {value:.3g}{unit} (<= {limit:g}{unit}: {'met' if value <= limit else 'MISSED'})"


def real_time_factor(engine: str, script: Script, root: Path, runs: int) -> list[float]:
    """Seconds of synthesis per second of audio, each run with an empty cache (worker start-up included)."""
    requests = [Request(sentence, "") for sentence in spoken_sentences(script)]
    factors = []
    saved = os.environ.get("XDG_CACHE_HOME")
    try:
        for number in range(runs):
            # The workers inherit the environment: this is how they find the empty cache.
            os.environ["XDG_CACHE_HOME"] = str(root / f"{engine}-cache-{number}")
            start = time.perf_counter()
            pieces = speak(requests, Voice(engine=engine))
            seconds = time.perf_counter() - start
            factors.append(seconds / sum(wav_seconds(piece.wav) or 0 for piece in pieces))
    finally:
        os.environ.pop("XDG_CACHE_HOME", None)
        if saved is not None:
            os.environ["XDG_CACHE_HOME"] = saved
    return factors


def neural_report(script: Script, root: Path, runs: int) -> str:
    """piper's real-time factor beside the default engine's, or why it cannot be measured here."""
    if "piper" not in ENGINES:
        return f"{NEURAL} not installed (this build registers no piper engine)"
    try:
        piper = statistics.median(real_time_factor("piper", script, root, runs))
        default = statistics.median(real_time_factor("pyttsx3", script, root, runs))
    except SpeechError as error:
        return f"{NEURAL} not installed ({error})"
    return f"{NEURAL} real-time factor {piper:.3f} (pyttsx3 {default:.3f} in the same run; below 1 is faster than real time)"


def listening_report(script: Script, root: Path) -> list[str]:
    """One line per installed engine: Whisper base's word errors on the episode's sentences as the
    engine speaks them, and how often "AI" (or "AI's") was heard as written."""
    sys.path.insert(0, str(Path(__file__).parent))
    from listening import Listener, listen, normalise

    sentences = spoken_sentences(script)
    said = normalise(" ".join(sentences))
    listener, lines = Listener(), []
    for engine in ENGINES:
        try:
            ENGINES[engine].version()
        except SpeechError as error:
            lines.append(f"{LISTEN} {engine}: not installed ({error})")
            continue
        saved = os.environ.get("XDG_CACHE_HOME")
        os.environ["XDG_CACHE_HOME"] = str(root / f"listen-{engine}")
        try:
            heard, _text = listen(listener, sentences, Voice(engine=engine), root)
        finally:
            os.environ.pop("XDG_CACHE_HOME")
            if saved is not None:
                os.environ["XDG_CACHE_HOME"] = saved
        ai = sum(said.count(word) for word in ("ai", "ais"))
        right = sum(heard.heard_right(word, said) for word in ("ai", "ais"))
        lines.append(f"{LISTEN} {engine}: word error rate {heard.rate:.1%} ({heard.errors} of {heard.words} words), "
                     f"\"AI\" heard right {right} of {ai}")
    return lines


def parse_sizes(text: str) -> list[float]:
    """
    >>> parse_sizes("20,5, 60"), parse_sizes("")
    ([5.0, 20.0, 60.0], [])
    """
    sizes = sorted(float(word) for word in text.split(",") if word.strip())
    if any(size <= 0 for size in sizes):
        raise ValueError("sizes are minutes of speech, above 0")
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per row (default 3)")
    default_article = REAL_ARTICLE if REAL_ARTICLE.exists() else SAMPLE_ARTICLE
    parser.add_argument("--article", type=Path, default=default_article, help=f"default {default_article}")
    parser.add_argument(
        "--sizes",
        default=DEFAULT_SIZES,
        help=f"minutes of speech of the scaling rows' digests, comma-separated; empty for none (default {DEFAULT_SIZES})",
    )
    parser.add_argument("--quick", action="store_true", help="one run per row: checks the benchmark works")
    parser.add_argument("--no-floor", action="store_true", help="skip the espeak-ng + ffmpeg floor and the ratios")
    parser.add_argument("--no-neural", action="store_true", help="skip the neural engine's real-time factor")
    parser.add_argument("--no-listen", action="store_true", help="skip the listening rows (Whisper base, a few minutes)")
    parser.add_argument("--engine", default=DEFAULT_ENGINE, choices=["hibari", "pyttsx3"],
                        help=f"the engine the builds and the floor speak with (default {DEFAULT_ENGINE})")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    try:
        size_minutes = parse_sizes(args.sizes)
    except ValueError as error:
        parser.error(f"--sizes: {error}")
    runs = 1 if args.quick else args.runs
    article = args.article.resolve()
    if not args.no_floor and args.engine == "pyttsx3" and shutil.which("espeak-ng") is None:
        print("espeak-ng is not installed; the floor row needs its command line "
              "(hint: apt-get install espeak-ng), or pass --no-floor.", file=sys.stderr)
        sys.exit(2)

    compileall.compile_dir(Path(podcast_package.__file__).parent, quiet=1)  # as pip install does
    podcast = [sys.executable, "-m", "podcast"]
    rows: dict[str, list[Run]] = {row: [] for row in ROWS if not (args.no_floor and row == FLOOR)}
    warm_encodes, edit_pieces = 0, []  # what the rebuilds redid: the targets are none, and one piece
    with tempfile.TemporaryDirectory(prefix="podcast-bench-") as scratch:
        root = Path(scratch)
        env = {**os.environ, "XDG_CACHE_HOME": str(root / "setup-cache")}
        timed([*podcast, "script", str(article), "--show", str(root / "setup")], env)
        setup_script = next((root / "setup" / "scripts").iterdir())
        text_file = root / "narration.txt"
        text_file.write_text(narration_text(setup_script, args.engine), encoding="utf-8")
        source = load_article(article)
        sizes = [prepare_size(minutes, source, root, env, args.engine) for minutes in size_minutes]
        results = [SizeResult([], []) for _ in sizes]

        for number in range(1, runs + 1):
            print(f"run {number}/{runs}", file=sys.stderr, flush=True)
            work = root / f"run{number}"
            show = work / "show"
            show.mkdir(parents=True)
            env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache")}
            build = [*podcast, "build", "--engine", args.engine, "--show", str(show)]
            if not args.no_floor:
                rows[FLOOR].append(floor_run(text_file, work, env, args.engine))
            rows[COLD].append(timed([*build, str(article)], env, watch_tree=True))
            episode = next((show / "episodes").glob("*.mp3"))
            minutes = MP3(episode).info.length / 60
            encoded = file_identity(episode)
            rows[WARM].append(timed([*build, str(article)], env))
            warm_encodes += file_identity(episode) != encoded
            script_folder = next((show / "scripts").iterdir())
            edit_one_segment(script_folder)
            pieces = cached_pieces(work / "cache")
            rows[EDITED].append(timed([*build, str(script_folder)], env))
            edit_pieces.append(cached_pieces(work / "cache") - pieces)
            rows[HELP].append(timed([*podcast, "--help"], env))
            for size, result in zip(sizes, results):
                print(f"run {number}/{runs}: digest of about {size.minutes:g} minutes", file=sys.stderr, flush=True)
                size_work = work / f"size-{size.minutes:g}"
                size_show = size_work / "show"
                size_show.mkdir(parents=True)
                size_env = {**os.environ, "XDG_CACHE_HOME": str(size_work / "cache")}
                if not args.no_floor:
                    result.floor.append(floor_run(size.narration, size_work, size_env, args.engine))
                command = [*podcast, "build", "--engine", args.engine, "--show", str(size_show), str(size.article)]
                result.builds.append(timed(command, size_env, watch_tree=True))
                result.audio_minutes = MP3(next((size_show / "episodes").glob("*.mp3"))).info.length / 60
                shutil.rmtree(size_work)  # an hour of MP3 and cached WAVs is a few hundred MB
        script = read_script(setup_script)
        neural = f"{NEURAL} not measured (--no-neural)" if args.no_neural else neural_report(script, root, runs)
        listening = [f"{LISTEN} not measured (--no-listen)"] if args.no_listen else listening_report(script, root)

    floor = None if args.no_floor else rows[FLOOR]
    print(f"{article.name}: {runs} run(s), {os.cpu_count()} CPUs, engine {args.engine}, ffmpeg {ffmpeg()}")
    print(header())
    for name, runs_of_row in rows.items():
        print(format_row(name, runs_of_row, floor))
    cold_median = median_of(rows[COLD], "seconds")
    print(f"audio: {minutes:.2f} min; cold build {cold_median / minutes:.3f} s per minute of audio")
    print(f"peak memory of the cold build: {max(r.tree_pss for r in rows[COLD]) / 2**20:.0f} MB (PSS) summed over its "
          f"process tree, {max(r.largest_rss for r in rows[COLD]) / 2**20:.0f} MB in its largest process")
    print(f"{REDONE} the warm rebuild rewrote the MP3 in {warm_encodes} of {runs} run(s); the edited rebuild "
          f"synthesised {', '.join(map(str, edit_pieces))} new piece(s) for one added sentence")
    if sizes:
        print("\n".join(scaling_report(sizes, results, not args.no_floor)))
    print(neural)
    print("\n".join(listening))
    if floor is not None:
        print(target("cold build / floor", cold_median / median_of(floor, "seconds"), 1.2))
    print(target("warm rebuild", median_of(rows[WARM], "seconds"), 0.3, " s"))
    print(target("edited rebuild / cold build", median_of(rows[EDITED], "seconds") / cold_median, 0.4))
    print(target("podcast --help", median_of(rows[HELP], "seconds"), 0.3, " s"))
    if len(sizes) > 1:
        growth = seconds_per_minute(results[-1]) / seconds_per_minute(results[0])
        print(target(f"time per minute, ~{sizes[-1].minutes:g} / ~{sizes[0].minutes:g} min", growth, 1.3))
    if sizes:
        peak = max(run.tree_pss for run in results[-1].builds) / 2**20
        print(target(f"peak memory of the tree, ~{sizes[-1].minutes:g} min", peak, 512, " MB"))


if __name__ == "__main__":
    main()
