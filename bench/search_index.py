"""Benchmark: Pagefind index time and size for generated newsrooms of 1,000 and 10,000 articles.

    python bench/search_index.py                     # sizes 1000 and 10000, 3 index runs each
    python bench/search_index.py --sizes 1000 --runs 5

For each size it generates the shared synthetic corpus (../shared/bench/gen_corpus.py,
`ssg` layout), builds the site once without indexing, then times `ssg.search.index_site`
on the built output several times and prints the median wall time and the indexer's
CPU time (user + system; steadier than wall time on a busy machine), the index size (what
readers download while searching) and the whole bundle (plus Pagefind's scripts and
WebAssembly). It also times one full `ssg build` with indexing, for the share of the build.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from photos import add_missing_photos

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from ssg.build import build  # noqa: E402
from ssg.config import load_config  # noqa: E402
from ssg.search import format_size, index_site  # noqa: E402
from ssg.site import BuildOptions  # noqa: E402

GENERATOR = REPO.parent / "shared" / "bench" / "gen_corpus.py"
PHOTO_SRC = re.compile(r'^\s*src:\s*"?(/images/[^"\s]+)"?\s*$', re.MULTILINE)


def corpus(n: int, work: Path) -> Path:
    """The generated `ssg` site for n articles (generated once, reused afterwards)."""
    site = work / f"n{n}" / "ssg"
    if not (site / "site.yml").is_file():
        if not GENERATOR.is_file():
            sys.exit(f"corpus generator not found: {GENERATOR}")
        command = [sys.executable, str(GENERATOR), "--n", str(n), "--tools", "ssg"]
        subprocess.run(
            [*command, "--out", str(site.parent)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    add_missing_photos(site)
    return site


def measure(n: int, work: Path, runs: int) -> dict[str, float]:
    site = corpus(n, work)
    config, problems = load_config(site / "site.yml")
    assert config is not None, problems
    out = site / "public"
    start = time.perf_counter()
    built = build(site, output=out, options=BuildOptions(search_index=False))
    build_seconds = time.perf_counter() - start
    articles = len(built.site.articles) if built.site else None
    times, cpu, report = [], [], None
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        report = index_site(out, config, articles)  # as `ssg build` calls it
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append(report.seconds)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    assert report is not None
    start = time.perf_counter()
    full = build(site, output=out)
    full_seconds = time.perf_counter() - start
    return {
        "articles": n,
        "pages": report.pages,
        "index_s": statistics.median(times),
        "index_min_s": min(times),
        "index_cpu_s": statistics.median(cpu),
        "index_bytes": report.index_bytes,
        "bundle_bytes": report.bundle_bytes,
        "files": report.files,
        "build_no_index_s": build_seconds,
        "build_with_index_s": full_seconds,
        "search_phase_s": full.timings.get("search", 0.0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma list of article counts")
    parser.add_argument("--runs", type=int, default=3, help="index runs per size (median shown)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/ssg-bench-search"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"Pagefind index benchmark ({os.cpu_count()} CPUs, {args.runs} runs, median)")
    header = (
        f"{'articles':>8}  {'indexed':>7}  {'index time':>10}  {'index CPU':>9}  {'index size':>10}  "
        f"{'bundle':>9}  {'files':>6}  {'build w/o':>9}  {'build with':>10}"
    )
    print(header)
    for n in (int(s) for s in args.sizes.split(",")):
        row = measure(n, args.work, args.runs)
        print(
            f"{row['articles']:>8}  {row['pages']:>7}  {row['index_s']:>9.2f}s  "
            f"{row['index_cpu_s']:>8.2f}s  "
            f"{format_size(int(row['index_bytes'])):>10}  {format_size(int(row['bundle_bytes'])):>9}  "
            f"{row['files']:>6}  {row['build_no_index_s']:>8.2f}s  {row['build_with_index_s']:>9.2f}s",
            flush=True,
        )


if __name__ == "__main__":
    main()
