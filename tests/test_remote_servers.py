"""`podcast publish` against real servers started here on 127.0.0.1: Debian's OpenSSH server
(rsync over SSH, and rclone's SFTP remote) writing into a folder that Debian's nginx serves with
the README's configuration; gPodder's `gpo` subscribes through nginx; publishes are killed at ten
points while a client checks the served feed. Throwaway keys, free ports, own config files.
Debian tools missing here skip outside CI; under CI, .ci/run installs them and nothing skips.
"""

from __future__ import annotations

import getpass
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import feedparser
import pytest
from lxml import etree
from test_clients import free_port, gpodder, require, unavailable
from podcast.destinations import DIGESTS, cache_control
from test_remote import add_episode, change_show, make_show, publish, same_files

README = Path(__file__).resolve().parents[1] / "README.md"
PODCAST_NS = "{https://podcastindex.org/namespace/1.0}"
# nginx's WebDAV PROPFIND, which rclone lists a WebDAV remote with: Debian's libnginx-mod-http-dav-ext
DAV_MODULE = Path("/usr/lib/nginx/modules/ngx_http_dav_ext_module.so")


def wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    import socket

    for _ in range(100):
        if process.poll() is not None:
            raise AssertionError(f"{process.args[0]} exited: {log.read_text(errors='replace')}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"{process.args[0]} does not listen on {port}")


@dataclass(frozen=True)
class Servers:
    www: Path  # nginx's root; the shows are published into folders in it
    origin: str  # http://127.0.0.1:PORT, nginx
    ssh_env: dict[str, str]  # RSYNC_RSH for the test sshd, RCLONE_CONFIG with its remotes `box` (SFTP) and `dav`
    host: str  # the ssh_config alias of the test sshd
    uploads: Path  # nginx's WebDAV log: method, path and Cache-Control of every request


def started(command: list[str], log: Path, port: int) -> subprocess.Popen:
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    wait_for_port(port, process, log)
    return process


def stopped(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def nginx_snippet() -> str:
    """The nginx lines the README tells a reader to put in their server block, as written there."""
    return re.search(r"```nginx\n(.*?)```", README.read_text(encoding="utf-8"), re.S)[1]


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    sshd, nginx = require("sshd", "openssh-server"), require("nginx")
    require("rsync")
    require("rclone")
    folder = tmp_path_factory.mktemp("servers")
    www = folder / "www"
    www.mkdir()
    for key in ("host_key", "user_key"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(folder / key)], check=True)
    shutil.copy(folder / "user_key.pub", folder / "authorized_keys")
    ssh_port, http_port, dav_port = free_port(), free_port(), free_port()
    (folder / "sshd_config").write_text(
        f"Port {ssh_port}\nListenAddress 127.0.0.1\nHostKey {folder}/host_key\nAuthorizedKeysFile {folder}/authorized_keys\n"
        f"PidFile {folder}/sshd.pid\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
        # pytest's folders sit in /tmp, which StrictModes refuses as the home of a key
        "PermitRootLogin prohibit-password\nStrictModes no\nSubsystem sftp internal-sftp\n"
    )
    host_key = " ".join((folder / "host_key.pub").read_text().split()[:2])
    (folder / "known_hosts").write_text(f"[127.0.0.1]:{ssh_port} {host_key}\n")
    user = getpass.getuser()
    (folder / "ssh_config").write_text(
        f"Host podcast-test\n  HostName 127.0.0.1\n  Port {ssh_port}\n  User {user}\n  IdentityFile {folder}/user_key\n"
        f"  IdentitiesOnly yes\n  UserKnownHostsFile {folder}/known_hosts\n  StrictHostKeyChecking yes\n  BatchMode yes\n"
    )
    (folder / "rclone.conf").write_text(
        f"[box]\ntype = sftp\nhost = 127.0.0.1\nport = {ssh_port}\nuser = {user}\n"
        f"key_file = {folder}/user_key\nknown_hosts_file = {folder}/known_hosts\n"
        f"[dav]\ntype = webdav\nurl = http://127.0.0.1:{dav_port}/\nvendor = other\n"
    )
    # A WebDAV server writing into the folder the first server serves, logging what rclone sends.
    dav = (
        f"  log_format uploads '$request_method $uri \"$http_cache_control\"';\n  server {{\n    listen 127.0.0.1:{dav_port};\n"
        f"    root {www};\n    access_log {folder}/uploads.log uploads;\n    client_max_body_size 0;\n"
        "    dav_methods PUT DELETE MKCOL COPY MOVE;\n    dav_ext_methods PROPFIND OPTIONS;\n  }\n"
    ) if DAV_MODULE.exists() else ""
    temp = "\n".join(f"  {kind}_temp_path {folder}/nginx-{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (folder / "nginx.conf").write_text(
        f"{f'load_module {DAV_MODULE};' if dav else ''}\n{'user root;' if os.geteuid() == 0 else ''}\nworker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/nginx.log;\n"
        f"daemon off;\nevents {{ worker_connections 64; }}\nhttp {{\n  access_log off;\n{temp}\n"
        f"  server {{\n    listen 127.0.0.1:{http_port};\n    root {www};\n{nginx_snippet()}  }}\n{dav}}}\n"
    )
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation folder
    ssh = started([sshd, "-D", "-e", "-f", str(folder / "sshd_config")], folder / "sshd.out", ssh_port)
    try:
        web = started([nginx, "-e", str(folder / "nginx.log"), "-p", str(folder), "-c", str(folder / "nginx.conf")], folder / "nginx.out", http_port)
        try:
            env = {"RSYNC_RSH": f"ssh -F {folder}/ssh_config", "RCLONE_CONFIG": str(folder / "rclone.conf")}
            yield Servers(www, f"http://127.0.0.1:{http_port}", env, "podcast-test", folder / "uploads.log")
        finally:
            stopped(web)
    finally:
        stopped(ssh)


@pytest.fixture(scope="module")
def built(servers: Servers, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A show with two episodes whose base_url is nginx's /show/, built once; tests copy it."""
    return make_show(tmp_path_factory.mktemp("built") / "show", f"{servers.origin}/show/")


@pytest.fixture
def show(built: Path, servers: Servers, tmp_path: Path) -> Path:
    shutil.rmtree(servers.www / "show", ignore_errors=True)
    return Path(shutil.copytree(built, tmp_path / "show", symlinks=True))


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def served_feed_is_consistent(origin: str) -> list[str]:
    """What is wrong with the feed nginx serves now: every file it names must be there, each
    enclosure with its stated length. Checked against the feed fetched again after the files:
    if the feed changed meanwhile, the sample proves nothing and is not judged."""
    feed = fetch(f"{origin}/show/feed.xml")
    parsed = feedparser.parse(feed)
    problems = [f"feed does not parse: {parsed.bozo_exception}"] if parsed.bozo else []
    urls = [(e.href, int(e.length)) for entry in parsed.entries for e in entry.enclosures]
    urls += [(element.get("url"), None) for element in etree.fromstring(feed).iter(f"{PODCAST_NS}chapters", f"{PODCAST_NS}transcript")]
    for url, length in urls:
        try:
            body = fetch(url)
        except urllib.error.HTTPError as error:
            problems.append(f"{url}: {error.code}")
            continue
        if length is not None and len(body) != length:
            problems.append(f"{url}: {len(body)} bytes, the feed says {length}")
    return problems if fetch(f"{origin}/show/feed.xml") == feed else []


def test_rsync_over_ssh_then_gpodder_through_nginx_downloads_every_episode_and_sees_only_new_ones(show: Path, servers: Servers, tmp_path: Path) -> None:
    gpo = require("gpo")
    destination = f"{servers.host}:{servers.www}/show/"
    result = publish(show, destination, env=servers.ssh_env)
    assert result.exit_code == 0, result.output
    same_files(show / "episodes", servers.www / "show")
    assert served_feed_is_consistent(servers.origin) == []

    run = gpodder(gpo, tmp_path)
    run("subscribe", f"{servers.origin}/show/feed.xml")
    assert "2 new episodes" in run("update")
    assert "2 episodes downloaded" in run("download")
    downloads = sorted((tmp_path / "downloads").rglob("*.mp3"), key=lambda path: path.stat().st_size)
    published = sorted((show / "episodes").glob("*.mp3"), key=lambda path: path.stat().st_size)
    assert [path.read_bytes() for path in downloads] == [path.read_bytes() for path in published]

    add_episode(show, "Gamma notes")
    assert publish(show, destination, env=servers.ssh_env).output.endswith(": 7 sent, 0 deleted, 10 unchanged\n")
    assert "1 new episode" in run("update")
    assert "1 episodes downloaded" in run("download")  # gpo counts the episodes not yet downloaded as new
    [gamma] = set((tmp_path / "downloads").rglob("*.mp3")) - set(downloads)
    assert gamma.read_bytes() == (show / "episodes" / "gamma-notes.mp3").read_bytes()
    assert publish(show, destination, env=servers.ssh_env).output.endswith(": 0 sent, 0 deleted, 17 unchanged\n")
    assert "0 new episodes" in run("update")


def test_nginx_serves_the_readme_cache_headers_and_hides_the_htaccess(show: Path, servers: Servers) -> None:
    assert publish(show, str(servers.www / "show")).exit_code == 0
    expected = {
        "alpha-notes.mp3": "public, max-age=31536000, immutable",
        "alpha-notes.vtt": "public, max-age=3600",
        "feed.xml": "public, max-age=300",
        "": "public, max-age=300",  # the page
    }
    for name, cache in expected.items():
        with urllib.request.urlopen(f"{servers.origin}/show/{name}", timeout=10) as response:
            assert response.headers["Cache-Control"] == cache, name
    assert (servers.www / "show" / ".htaccess").is_file()
    with pytest.raises(urllib.error.HTTPError) as hidden:
        fetch(f"{servers.origin}/show/.htaccess")
    assert hidden.value.code == 404


APACHE_MODULES = ("mpm_event", "authz_core", "headers", "mime", "dir")


def test_apache_applies_the_generated_htaccess(show: Path, tmp_path: Path) -> None:
    """Apache's workers run as www-data, which cannot enter pytest's private folders: the web
    root is a folder of its own in /tmp, readable by all, removed after."""
    apache = require("apache2")
    www = Path(tempfile.mkdtemp(prefix="podcast-apache-"))
    www.chmod(0o755)
    try:
        assert publish(show, str(www / "show")).exit_code == 0
        port = free_port()
        modules = "".join(f"LoadModule {name}_module /usr/lib/apache2/modules/mod_{name}.so\n" for name in APACHE_MODULES)
        user = "User www-data\nGroup www-data\n" if os.geteuid() == 0 else ""
        (tmp_path / "httpd.conf").write_text(
            f"ServerRoot {tmp_path}\n{modules}{user}Listen 127.0.0.1:{port}\nServerName 127.0.0.1\nPidFile {tmp_path}/httpd.pid\n"
            f"ErrorLog {tmp_path}/error.log\nTypesConfig /dev/null\nDocumentRoot {www}\nDirectoryIndex index.html\n"
            f'<Directory {www}>\n  AllowOverride FileInfo\n  Require all granted\n</Directory>\n<Files ".ht*">\n  Require all denied\n</Files>\n'
        )
        server = started([apache, "-f", str(tmp_path / "httpd.conf"), "-DFOREGROUND"], tmp_path / "apache.out", port)
        try:
            expected = {  # TypesConfig is empty: every media type comes from the .htaccess
                "alpha-notes.mp3": ("public, max-age=31536000, immutable", "audio/mpeg"),
                "alpha-notes.vtt": ("public, max-age=3600", "text/vtt"),
                "alpha-notes.srt": ("public, max-age=3600", "application/x-subrip"),
                "feed.xml": ("public, max-age=300", "application/rss+xml"),
            }
            for name, (cache, kind) in expected.items():
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/show/{name}", timeout=10) as response:
                    assert (response.headers["Cache-Control"], response.headers["Content-Type"]) == (cache, kind), name
            with pytest.raises(urllib.error.HTTPError) as hidden:
                fetch(f"http://127.0.0.1:{port}/show/.htaccess")
            assert hidden.value.code == 403
        finally:
            stopped(server)
    finally:
        shutil.rmtree(www)


def test_rclone_over_sftp_publishes_replaces_and_deletes_in_order(show: Path, servers: Servers) -> None:
    destination = f"rclone:box:{servers.www}/show"
    first = publish(show, destination, env=servers.ssh_env)
    assert first.exit_code == 0, first.output
    same_files(show / "episodes", servers.www / "show")
    assert not (servers.www / "show" / ".htaccess").exists()  # rclone sends headers instead

    change_show(show)
    second = publish(show, "-v", destination, env=servers.ssh_env)
    assert second.exit_code == 0, second.output
    lines = second.output.splitlines()
    held = lines.index("sent feed.xml (without the 1 episode(s) being replaced)")
    assert lines.index("sent gamma-notes.mp3") < held < lines.index("sent alpha-notes.mp3") < lines.index("sent feed.xml")
    assert lines.index("sent feed.xml") < lines.index("deleted beta-notes.mp3")
    same_files(show / "episodes", servers.www / "show")
    assert served_feed_is_consistent(servers.origin) == []
    assert publish(show, destination, env=servers.ssh_env).output.endswith(": 0 sent, 0 deleted, 12 unchanged\n")


def test_rclone_to_webdav_sends_each_file_with_its_cache_control_and_the_feed_straight_to_its_name(show: Path, servers: Servers) -> None:
    """WebDAV keeps no modification times: files are compared by size there, and the feed is
    uploaded in place (an upload appears whole) rather than moved, which rclone does by deleting
    the old feed first."""
    if not DAV_MODULE.exists():
        unavailable("nginx's WebDAV listings are not installed (Debian: apt-get install libnginx-mod-http-dav-ext)")
    servers.uploads.write_text("")
    first = publish(show, "rclone:dav:show", env=servers.ssh_env)
    assert first.exit_code == 0, first.output
    same_files(show / "episodes", servers.www / "show")
    requests = [line.split(" ", 2) for line in servers.uploads.read_text().splitlines()]
    sent = {path.rsplit("/", 1)[1]: cache.strip('"') for method, path, cache in requests if method == "PUT" and "/." not in path and DIGESTS not in path}
    assert sent == {name: cache_control(name) for name in os.listdir(show / "episodes") if not name.startswith(".")}
    assert sent["alpha-notes.mp3"] == "public, max-age=31536000, immutable" and sent["feed.xml"] == "public, max-age=300"
    assert not [request for request in requests if request[0] in ("DELETE", "MOVE")]
    assert publish(show, "rclone:dav:show", env=servers.ssh_env).output.endswith(": 0 sent, 0 deleted, 12 unchanged\n")

    change_show(show)
    assert publish(show, "rclone:dav:show", env=servers.ssh_env).exit_code == 0
    same_files(show / "episodes", servers.www / "show")
    assert served_feed_is_consistent(servers.origin) == []


def test_rsync_and_rclone_failures_are_one_line(show: Path, servers: Servers, tmp_path: Path) -> None:
    (tmp_path / "empty.conf").write_text("")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(tmp_path / "stranger")], check=True)
    config = Path(servers.ssh_env["RSYNC_RSH"].split()[-1])
    strange = tmp_path / "ssh_config"
    strange.write_text(config.read_text().replace(str(config.parent / "user_key"), str(tmp_path / "stranger")))
    cases = [
        (f"{servers.host}:{servers.www}/show/", {"RSYNC_RSH": f"ssh -F {strange}"}, "Permission denied (publickey)"),
        ("rclone:nowhere:show", {"RCLONE_CONFIG": str(tmp_path / "empty.conf")}, "didn't find section in config file"),
    ]
    for destination, env, reason in cases:
        result = publish(show, destination, env={**servers.ssh_env, **env})
        assert result.exit_code == 1 and len(result.output.splitlines()) == 1 and reason in result.output, result.output
    assert not (servers.www / "show").exists()


KILL_POINTS = (0, 1, 3, 4, 5, 7, 9, 11, 12, 14)  # files done before SIGKILL: from nothing to during the deletions


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["folder", "rsync"])
def test_a_publish_killed_at_ten_points_leaves_the_served_feed_consistent_and_the_next_completes_it(kind: str, show: Path, servers: Servers) -> None:
    target = servers.www / "show"
    destination = str(target) if kind == "folder" else f"{servers.host}:{target}/"
    assert publish(show, destination, env=servers.ssh_env).exit_code == 0
    before = servers.www.parent / f"before-{kind}"
    shutil.copytree(target, before)
    change_show(show)
    environment = {**os.environ, **servers.ssh_env}
    for point in KILL_POINTS:
        shutil.rmtree(target)
        shutil.copytree(before, target)  # with the files' times: the destination as the first publish left it
        problems: list[str] = []
        stop = threading.Event()

        def watch() -> None:
            while not stop.is_set():
                try:
                    problems.extend(served_feed_is_consistent(servers.origin))
                except Exception as error:  # a failed fetch is a finding too, not a silently dead watcher
                    problems.append(repr(error))

        watcher = threading.Thread(target=watch)
        watcher.start()
        process = subprocess.Popen(
            [sys.executable, "-m", "podcast", "publish", "-v", destination, "--show", str(show)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=environment, start_new_session=True,
        )
        done = [process.stdout.readline() for _ in range(point)]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        stop.set()
        watcher.join()
        assert all(line.startswith(("sent ", "deleted ")) for line in done), done
        assert problems == [] and served_feed_is_consistent(servers.origin) == [], (point, problems)
        finished = publish(show, destination, env=servers.ssh_env)
        assert finished.exit_code == 0, finished.output
        same_files(show / "episodes", target)
        assert not [name for name in os.listdir(target) if name.startswith(".") and name != ".htaccess"], point
        assert served_feed_is_consistent(servers.origin) == []
