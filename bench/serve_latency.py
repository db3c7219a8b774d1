"""Save-to-reload latency of `ssg serve` for a one-article edit.

For each corpus size, this generates the shared benchmark newsroom (once, cached),
copies it to a scratch folder, starts `ssg serve` on a free port, listens to its
live-reload event stream like a browser tab would, then edits one article several
times. The latency of one edit is the time from writing the file to receiving the
`reload` event, i.e. what a reporter waits for between saving and the tab updating.

    python bench/serve_latency.py                      # 1,000 and 10,000 articles
    python bench/serve_latency.py --sizes 1000 --runs 10
    python bench/serve_latency.py --search             # with the search index kept up to date
"""

from __future__ import annotations

import argparse
import http.client
import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from photos import add_missing_photos
from run import set_search

REPO = Path(__file__).resolve().parent.parent
GENERATOR = REPO.parent / "shared" / "bench" / "gen_corpus.py"


def corpus(size: int, cache: Path, generator: Path) -> Path:
    """The generated `ssg` site for `size` articles (generated once into `cache`)."""
    out = cache / f"n{size}"
    site = out / "ssg"
    if not (site / "site.yml").is_file():
        print(f"generating {size} articles into {out} ...", flush=True)
        subprocess.run(
            [sys.executable, str(generator), "--n", str(size), "--out", str(out), "--tools", "ssg"],
            check=True,
        )
        add_missing_photos(site)
    return site


def pick_article(site: Path) -> Path:
    """A stable article to edit: the first one in sorted order."""
    return sorted((site / "content" / "articles").rglob("*.md"))[0]


class Server:
    """`ssg serve` in a child process, with its output lines collected on a thread."""

    def __init__(self, site: Path):
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ssg", "serve", "--port", "0"],
            cwd=site,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.url = ""
        started = time.perf_counter()
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("Serving "):
                self.url = line.split()[1]
                break
            self.lines.put(line.rstrip("\n"))
        if not self.url:
            raise SystemExit(f"ssg serve did not start:\n{self.drain()}")
        self.startup = time.perf_counter() - started
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def drain(self) -> str:
        out = []
        while not self.lines.empty():
            out.append(self.lines.get())
        return "\n".join(out)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Events:
    """A minimal Server-Sent Events client: event names with their arrival time."""

    def __init__(self, host: str, port: int):
        self.arrivals: queue.Queue[tuple[str, float]] = queue.Queue()
        self.conn = http.client.HTTPConnection(host, port, timeout=600)
        self.conn.request("GET", "/__ssg__/events")
        self.response = self.conn.getresponse()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for raw in self.response:
                line = raw.decode().strip()
                if line.startswith("event: "):
                    self.arrivals.put((line[7:], time.perf_counter()))
        except (OSError, ValueError):
            pass

    def next(self, name: str, timeout: float) -> float:
        """Arrival time of the next `name` event; exits if the build failed instead."""
        deadline = time.monotonic() + timeout
        while True:
            got, when = self.arrivals.get(timeout=max(0.0, deadline - time.monotonic()))
            if got == name:
                return when
            if got == "problems":
                raise SystemExit("the build failed; run `ssg build` in the corpus to see why")


def wait_for_line(server: Server, timeout: float) -> str:
    """The server's next rebuild line ('... in N ms')."""
    deadline = time.monotonic() + timeout
    while True:
        line = server.lines.get(timeout=max(0.0, deadline - time.monotonic()))
        if re.search(r" in \d+ ms$", line):
            return line


def measure(site: Path, runs: int) -> dict[str, object]:
    """Start the server on a scratch copy of `site` and time `runs` one-article edits."""
    server = Server(site)
    host, port = re.match(r"http://([^/:]+):(\d+)/", server.url).groups()  # type: ignore[union-attr]
    events = Events(host, int(port))
    events.next("hello", 60)
    if "build failed" in server.drain():
        server.stop()
        raise SystemExit(f"the first build of {site} failed; run `ssg build` there to see why")
    article = pick_article(site)
    text = article.read_text(encoding="utf-8")
    latencies: list[float] = []
    lines: list[str] = []
    try:
        for n in range(runs):
            server.drain()
            time.sleep(0.3)  # let the previous rebuild's events settle
            edited = text.rstrip("\n") + f"\n\nA sentence added by edit {n} of the benchmark.\n"
            start = time.perf_counter()
            article.write_text(edited, encoding="utf-8")
            arrived = events.next("reload", 600)
            latencies.append((arrived - start) * 1000)
            lines.append(wait_for_line(server, 10))
    finally:
        article.write_text(text, encoding="utf-8")
        server.stop()
    return {"startup": server.startup, "latencies": latencies, "lines": lines}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=5, help="edits per size")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/ssg-bench-serve"))
    parser.add_argument("--generator", type=Path, default=GENERATOR)
    parser.add_argument(
        "--search",
        action="store_true",
        help="keep the search index on (re-indexed in the background after each save); "
        "off by default, like Hugo's server, which has no search index",
    )
    args = parser.parse_args()
    results = []
    for size in args.sizes:
        source = corpus(size, args.cache, args.generator)
        scratch = args.cache / f"scratch-{size}"
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.copytree(source, scratch)
        set_search(scratch / "site.yml", args.search)
        print(f"{size} articles: starting ssg serve ...", flush=True)
        result = measure(scratch, args.runs)
        shutil.rmtree(scratch, ignore_errors=True)
        lat = result["latencies"]
        rebuilt = [int(re.search(r" in (\d+) ms$", line).group(1)) for line in result["lines"]]
        print(f"  first build + start: {result['startup']:.2f} s")
        print("  save-to-reload per edit (ms): " + ", ".join(f"{x:.0f}" for x in lat))
        print(f"  server said: {result['lines'][-1]}")
        results.append(
            (size, result["startup"], statistics.median(lat), min(lat), max(lat), rebuilt)
        )
    print()
    print("save-to-reload latency for a one-article edit (ssg serve, incremental engine)")
    print(
        f"{'articles':>9} {'start s':>8} {'median ms':>10} {'min ms':>8} {'max ms':>8} {'rebuild ms':>11}"
    )
    for size, startup, median, low, high, rebuilt in results:
        print(
            f"{size:>9,} {startup:>8.2f} {median:>10.0f} {low:>8.0f} {high:>8.0f}"
            f" {statistics.median(rebuilt):>11.0f}"
        )
    print("(rebuild ms: the server's own timing of the rebuild, as printed on its terminal)")


if __name__ == "__main__":
    main()
