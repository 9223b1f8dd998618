"""The show page, episodes/index.html: what a person opening the show's address in a browser sees.

The cover, the description, the feed URL to copy into a podcast app, and every episode with a
player, its chapters as links that seek the player, and its transcript. Plain HTML with a little
JavaScript and no build step. Every URL in it is relative to the page, so the same file works
from `podcast serve` on any address and from a static host; the feed URL shown is worked out
from the page's own address when there is one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from html import escape
from urllib.parse import quote

from podcast.episode import Chapter
from podcast.show import Show

PAGE_FILE = "index.html"
_NUMBERED = re.compile(r"\s*\d+[.)]\s")  # a line of a numbered list: "1. Title"

_STYLE = """
body{font:17px/1.5 system-ui,sans-serif;max-width:42rem;margin:0 auto;padding:1rem;color:#1b1b1b}
header img{width:100%;max-width:16rem;height:auto;border-radius:.5rem}
h1{margin:.5rem 0}h2{font-size:1.2rem;margin:2rem 0 .25rem}
audio{width:100%}input{width:100%;font:inherit;padding:.3rem;box-sizing:border-box}
ol.chapters{padding-left:1.5rem}ol.chapters a{text-decoration:none}
.time{font-variant-numeric:tabular-nums;color:#555;margin-right:.5rem}
details{margin:.5rem 0}.transcript p{margin:.25rem 0}
""".strip()

# Chapter links seek their episode's player; the feed URL follows the address the page was
# loaded from; each transcript is filled from its captions track once the browser has parsed it.
_SCRIPT = """
document.querySelectorAll("a[data-start]").forEach(function (link) {
  link.addEventListener("click", function (event) {
    event.preventDefault();
    var player = document.getElementById(link.dataset.player);
    player.currentTime = parseFloat(link.dataset.start);
    player.play().catch(function () {});
  });
});
if (location.protocol.indexOf("http") === 0) {
  document.getElementById("feed-url").value = new URL("feed.xml", location.href).href;
}
document.querySelectorAll("audio track").forEach(function (track) {
  track.track.mode = "hidden";
  function fill() {
    var box = document.getElementById(track.dataset.transcript);
    box.textContent = "";
    Array.prototype.forEach.call(track.track.cues || [], function (cue) {
      var line = document.createElement("p");
      line.textContent = cue.text;
      box.appendChild(line);
    });
  }
  track.addEventListener("load", fill);
  if (track.readyState === 2) fill();
});
""".strip()


@dataclass(frozen=True)
class PageEpisode:
    """What the page shows of one episode: its catalog fields and which sidecar files it has."""

    number: int
    slug: str
    title: str
    description: str  # the show notes as written: the intro, then the list of takeaways
    published: datetime
    chapters: tuple[Chapter, ...]
    sidecars: dict[str, str]  # media type -> file name in episodes/


def render_page(show: Show, episodes: list[PageEpisode], cover: str, feed_url: str) -> str:
    """The page's HTML: `episodes` newest first, `cover` the image's file name in episodes/."""
    parts = [
        "<!doctype html>",
        f'<html lang="{escape(show.language)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(show.title)}</title>",
        f'<link rel="alternate" type="application/rss+xml" title="{escape(show.title)}" href="feed.xml">',
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        "<header>",
        f'<img src="{escape(quote(cover))}" alt="Cover of {escape(show.title)}" width="3000" height="3000">',
        f"<h1>{escape(show.title)}</h1>",
        f"<p>{escape(show.description)}</p>",
        '<p><label for="feed-url">Subscribe in your podcast app with this feed URL:</label>',
        f'<input id="feed-url" readonly value="{escape(feed_url)}" onclick="this.select()"></p>',
        "</header>",
        "<main>",
    ]
    for episode in episodes:
        parts.extend(_episode(show, episode))
    if not episodes:
        parts.append("<p>No episodes yet.</p>")
    parts.extend(["</main>", f"<script>{_SCRIPT}</script>", "</body>", "</html>", ""])
    return "\n".join(parts)


def _episode(show: Show, episode: PageEpisode) -> list[str]:
    number = episode.number
    player = f"player-{number}"
    transcript = f"transcript-{number}"
    # Names are URL-quoted: a slug from an older catalog may hold "#" or "?" ("a#b?c.mp3").
    audio = f'<audio id="{player}" controls preload="metadata" src="{escape(quote(episode.slug + ".mp3"))}">'
    parts = [
        f'<article id="episode-{number}">',
        f"<h2>{number}. {escape(episode.title)}</h2>",
        f'<p class="time">{episode.published:%Y-%m-%d}</p>',
        audio,
    ]
    vtt = episode.sidecars.get("text/vtt")
    if vtt:
        parts.append(
            f'<track kind="captions" src="{escape(quote(vtt))}" srclang="{escape(show.language.split("-")[0])}"'
            f' label="Transcript" data-transcript="{transcript}">'
        )
    parts.append("</audio>")
    parts.append(intro_html(episode.description))  # the chapter links below stand for the takeaway list
    if episode.chapters:
        parts.append('<ol class="chapters">')
        parts.extend(
            f'<li><a href="#{player}" data-player="{player}" data-start="{chapter.start:.3f}">'
            f'<span class="time">{notes_time(chapter.start)}</span>{escape(chapter.title)}</a></li>'
            for chapter in episode.chapters
        )
        parts.append("</ol>")
    links = [f'<a href="{escape(quote(name))}">{label}</a>' for label, name in _downloads(episode)]
    parts.append(f"<p>{' · '.join(links)}</p>")
    if vtt:
        parts.append(f'<details open><summary>Transcript</summary><div class="transcript" id="{transcript}"></div></details>')
    parts.append("</article>")
    return parts


def _downloads(episode: PageEpisode) -> list[tuple[str, str]]:
    labels = {"application/json+chapters": "Chapters (JSON)", "text/vtt": "Transcript (VTT)", "application/x-subrip": "Transcript (SRT)"}
    return [("MP3", f"{episode.slug}.mp3")] + [(labels[kind], name) for kind, name in episode.sidecars.items()]


def timed_notes_html(description: str, chapters: tuple[Chapter, ...]) -> str:
    r"""Show notes as HTML, for apps that show no chapters: the intro, then each chapter at its mm:ss.

    The description's numbered list of takeaway titles (as narration writes it) gives way to the
    timed list; any other paragraph of it is kept.

    >>> timed_notes_html("Why & how.\n\n1. One\n2. Two", (Chapter("One", 0.0, 61.0), Chapter("Two <b>", 61.0, 90.0)))
    '<p>Why &amp; how.</p><ul><li>00:00 One</li><li>01:01 Two &lt;b&gt;</li></ul>'
    """
    html = intro_html(description)
    if chapters:
        html += "<ul>" + "".join(f"<li>{notes_time(c.start)} {escape(c.title)}</li>" for c in chapters) + "</ul>"
    return html


def intro_html(description: str) -> str:
    r"""The description's paragraphs as HTML, less its numbered list of takeaway titles.

    >>> intro_html("A & B.\n\n1. One\n2. Two\n\nThe end.")
    '<p>A &amp; B.</p><p>The end.</p>'
    """
    paragraphs = [part.strip() for part in description.split("\n\n") if part.strip()]
    kept = [part for part in paragraphs if not all(_NUMBERED.match(line) for line in part.splitlines())]
    return "".join(f"<p>{escape(part)}</p>" for part in kept)


def notes_time(seconds: float) -> str:
    """A chapter's start as podcast show notes write it: mm:ss, or h:mm:ss from an hour on.

    >>> notes_time(0.0), notes_time(65.7), notes_time(3725)
    ('00:00', '01:05', '1:02:05')
    """
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
