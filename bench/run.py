"""Benchmark: ssg cold and incremental builds beside Hugo, on the same generated corpus.

    python bench/run.py                    # 1,000 and 10,000 articles, 3 runs each
    python bench/run.py --sizes 1000 --runs 1
    python bench/run.py --huge             # also 100,000 articles (slow; needs ~10 GB disk)

For each size it generates the shared corpus (../shared/bench/gen_corpus.py, the same
content in this project's format and in Hugo's), then, alternating within each run:
Hugo's cold build, ssg's cold build, a no-change rebuild, a rebuild after editing one
article, a rebuild after editing one template, and the same one-article edit inside a
long-lived `Builder` (what the live-preview server does). Every command is a separate
process; wall time is measured around it and peak memory is the largest total RSS of
its whole process tree (PSS, so pages a forked worker shares with its parent count
once; sampled every 50 ms from /proc). Medians are printed with the
ratio to Hugo's cold build of the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from photos import add_missing_photos

REPO = Path(__file__).resolve().parent.parent
GEN = REPO.parent / "shared" / "bench" / "gen_corpus.py"


def memory_of(pid: int) -> int:
    """Proportional set size (bytes): pages shared with forked workers are counted once."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def children(pid: int) -> list[int]:
    """Direct children of a process, from /proc/<pid>/task/*/children (cheap)."""
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(c) for c in handle.read().split()]
        except (OSError, ValueError):
            continue
    return found


def tree_rss(pid: int) -> int:
    """Total memory (bytes, PSS) of a process and all its descendants."""
    family, frontier = [pid], [pid]
    while frontier:
        kids = children(frontier.pop())
        family += kids
        frontier += kids
    return sum(memory_of(p) for p in family)


def measure(cmd: list[str], cwd: Path) -> tuple[float, int]:
    """Run a command; return (wall seconds, peak total RSS in bytes of its process tree).

    Dirty pages of earlier steps are flushed first, so the kernel writing back one
    build's gigabyte of output does not run during (and slow) the next one."""
    os.sync()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], tree_rss(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"command failed: {' '.join(cmd)}\n{err[-2000:]}")
    return wall, max(peak[0], usage.ru_maxrss * 1024)


def generate(size: int, work: Path, gen: Path) -> Path:
    """The corpus for `size` articles (generated once, then reused)."""
    folder = work / f"n{size}"
    if not (folder / "manifest.json").is_file():
        if not gen.is_file():
            raise SystemExit(f"corpus generator not found: {gen} (pass --gen)")
        subprocess.run(
            [
                sys.executable,
                str(gen),
                "--n",
                str(size),
                "--out",
                str(folder),
                "--tools",
                "ssg,hugo",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    add_missing_photos(folder / "ssg")
    return folder


def set_aside(folder: Path, trash: Path) -> None:
    """Move `folder` into `trash` (deleted when the benchmark ends) instead of deleting it.

    On ext4 without a journal (this VM's disk), allocating an inode skips inodes freed in
    the last minute or so, checking each one on disk; deleting the 40,000 files and
    folders of a previous output just before a cold build made creating the new ones
    several times dearer, slowing whichever build came next (2-3 s of a 20 s build).
    """
    if folder.exists():
        trash.mkdir(parents=True, exist_ok=True)
        folder.rename(trash / f"{len(list(trash.iterdir()))}-{folder.name}")


def set_search(config: Path, on: bool) -> None:
    """Like for like with Hugo's layout (no search) unless --search: Pagefind's indexing
    is measured on its own by bench/search_index.py."""
    lines = [ln for ln in config.read_text().splitlines() if not ln.startswith("search:")]
    config.write_text("\n".join([*lines, f"search: {'true' if on else 'false'}"]) + "\n")


def edit_article(site: Path, round_number: int) -> Path:
    """Append a sentence to one article (a different text each round)."""
    articles = sorted((site / "content/articles").rglob("*.md"))
    article = articles[len(articles) // 2]
    text = article.read_text(encoding="utf-8")
    article.write_text(text + f"\nAn added sentence, edit {round_number}.\n", encoding="utf-8")
    return article


def edit_template(site: Path, round_number: int) -> None:
    """Override the byline partial with a variant of the built-in one."""
    builtin = (REPO / "layouts/partials/byline.html").read_text(encoding="utf-8")
    target = site / "layouts/partials/byline.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"{{# bench edit {round_number} #}}" + builtin.replace("By ", "By: "))


SERVE_SNIPPET = """
import sys, time, json
from pathlib import Path
from ssg.engine import Builder
site = Path(sys.argv[1]); article = Path(sys.argv[2])
from ssg.site import BuildOptions
# as ssg serve runs it: plain asset names, search re-indexed in the background
options = BuildOptions(drafts=True, future=True, search_index=False, fingerprint=False)
builder = Builder(site, options=options, jobs=int(sys.argv[3]), live=True)
assert builder.build().ok
times = []
for i in range(3):
    article.write_text(article.read_text() + f"\\nServe edit {i}.\\n")
    start = time.perf_counter()
    report = builder.build({article})
    times.append(time.perf_counter() - start)
    assert report.ok and report.written
print(json.dumps(times))
"""


def bench_size(size: int, args: argparse.Namespace) -> dict[str, list[tuple[float, int]]]:
    folder = generate(size, args.work, args.gen)
    site, hugo_site = folder / "ssg", folder / "hugo"
    set_search(site / "site.yml", args.search)
    ssg = [sys.executable, "-m", "ssg", "build", "--quiet", "--jobs", str(args.jobs)]
    results: dict[str, list[tuple[float, int]]] = {}

    def record(name: str, value: tuple[float, int]) -> None:
        results.setdefault(name, []).append(value)
        print(f"  n={size:>6} {name:<22} {value[0]:7.2f} s {value[1] / 2**20:7.0f} MiB", flush=True)

    trash = args.work / "trash"
    for round_number in range(args.runs):
        if args.hugo:
            for name in ("public", "resources"):
                set_aside(hugo_site / name, trash)
            record("hugo cold", measure([args.hugo, "--quiet"], hugo_site))
        for name in ("public", ".ssg-cache", "layouts"):
            set_aside(site / name, trash)
        record("ssg cold", measure(ssg, site))
        # Hugo's layout encodes no photos; a build with only ssg's photo cache kept
        # (as a CI cache of `.ssg-cache/images` would) shows the pages-only cost
        set_aside(site / "public", trash)
        for path in (site / ".ssg-cache").iterdir():
            if path.name != "images":
                set_aside(path, trash)
        record("ssg cold, photos cached", measure(ssg, site))
        record("ssg no change", measure(ssg, site))
        edit_article(site, round_number)
        record("ssg one article", measure(ssg, site))
        edit_template(site, round_number)
        record("ssg one template", measure(ssg, site))
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                SERVE_SNIPPET,
                str(site),
                str(edit_article(site, 99)),
                str(args.jobs),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        serve = statistics.median(json.loads(out.stdout.strip().splitlines()[-1]))
        record("serve one article", (serve, 0))
    return results


def table(all_results: dict[int, dict[str, list[tuple[float, int]]]]) -> str:
    lines = [
        "| articles | step | median wall | x Hugo cold | peak memory (max) | x Hugo memory |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for size, results in all_results.items():
        hugo = results.get("hugo cold")
        hugo_wall = statistics.median(w for w, _ in hugo) if hugo else None
        hugo_mem = max(m for _, m in hugo) if hugo else None
        for name, values in results.items():
            wall = statistics.median(w for w, _ in values)
            mem = max(m for _, m in values)
            ratio = f"{wall / hugo_wall:.2f}" if hugo_wall else "-"
            mem_ratio = f"{mem / hugo_mem:.2f}" if hugo_mem and mem else "-"
            shown_mem = f"{mem / 2**20:.0f} MiB" if mem else "-"
            shown_wall = f"{wall * 1000:.0f} ms" if wall < 1 else f"{wall:.2f} s"
            lines.append(
                f"| {size:,} | {name} | {shown_wall} | {ratio} | {shown_mem} | {mem_ratio} |"
            )
    return "\n".join(lines)


def default_hugo() -> str | None:
    found = shutil.which("hugo")
    if found:
        return found
    candidate = Path("/tmp/hugo-venv/bin/hugo")
    return str(candidate) if candidate.exists() else None


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated article counts")
    parser.add_argument("--huge", action="store_true", help="also run 100,000 articles")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/ssg-bench"))
    parser.add_argument("--hugo", default=default_hugo(), help="Hugo binary ('' to skip)")
    parser.add_argument("--gen", type=Path, default=GEN, help="the shared corpus generator")
    parser.add_argument(
        "--search",
        action="store_true",
        help="also build the Pagefind index (Hugo's layout has none)",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.huge:
        sizes.append(100_000)
    args.work.mkdir(parents=True, exist_ok=True)
    print(
        f"ssg benchmark: sizes {sizes}, {args.runs} run(s), --jobs {args.jobs}, hugo: {args.hugo}"
    )
    try:
        results = {size: bench_size(size, args) for size in sizes}
    finally:
        shutil.rmtree(args.work / "trash", ignore_errors=True)
    print()
    print(table(results))


if __name__ == "__main__":
    main()
