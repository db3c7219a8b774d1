"""Benchmark: what feeds, sitemaps, redirects and metadata cost in a build.

Generates the shared synthetic newsroom (../shared/bench/gen_corpus.py) unless --corpus is
given, then runs the pipeline in-process and prints how long planning and rendering the
distribution files take next to the pages, and how big they are.

    python bench/distribution.py --n 1000
    python bench/distribution.py --corpus /tmp/corpus/ssg
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import jinja2

from ssg.build import asset_roots, parse_content, render_outputs, walk_assets
from ssg.config import load_config
from ssg.distribution import plan_distribution
from ssg.plan import plan
from ssg.site import BuildOptions, build_site
from ssg.structured import headline_warnings
from ssg.templates import make_environment

REPO = Path(__file__).resolve().parent.parent
GENERATOR = REPO.parent / "shared" / "bench" / "gen_corpus.py"


def corpus(n: int, folder: Path) -> Path:
    """Write the shared synthetic corpus of `n` articles; returns the ssg site folder."""
    command = [
        sys.executable,
        str(GENERATOR),
        "--n",
        str(n),
        "--out",
        str(folder),
        "--tools",
        "ssg",
    ]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return folder / "ssg"


def group(template: str) -> str:
    return template.split("/")[0].removesuffix(".xml").removesuffix(".txt").removesuffix(".html")


def measure(root: Path) -> None:
    start = time.perf_counter()
    config, problems = load_config(root / "site.yml")
    assert config is not None, problems
    parsed, _ = parse_content(root, config)
    options = BuildOptions()
    site, _ = build_site(config, parsed, options, walk_assets(asset_roots(root)))
    linked = time.perf_counter()
    headline_warnings(site.articles, parsed.fronts)
    pages = plan(site)
    planned = time.perf_counter()
    extra = plan_distribution(site, pages, options.now)
    planned_extra = time.perf_counter()
    env = make_environment(config, root / "layouts")

    page_seconds = time.perf_counter()
    page_bytes = sum(len(body) for _, body in render_outputs(env, pages) if isinstance(body, bytes))
    page_seconds = time.perf_counter() - page_seconds

    # the same pages without social tags and JSON-LD, to price partials/meta.html
    bare = env.overlay(
        loader=jinja2.ChoiceLoader([jinja2.DictLoader({"partials/meta.html": ""}), env.loader])
    )
    bare_seconds = time.perf_counter()
    for _ in render_outputs(bare, pages):
        pass
    bare_seconds = time.perf_counter() - bare_seconds

    seconds: dict[str, float] = defaultdict(float)
    sizes: dict[str, int] = defaultdict(int)
    counts: dict[str, int] = defaultdict(int)
    clock = time.perf_counter()
    for output, body in render_outputs(env, extra):
        now = time.perf_counter()
        kind = group(output.template)
        seconds[kind] += now - clock
        sizes[kind] += len(body) if isinstance(body, bytes) else 0
        counts[kind] += 1
        clock = now

    print(f"{len(site.articles)} articles, {len(site.topics)} topics, {len(site.authors)} authors")
    print(f"parse + link                 {linked - start:8.2f} s")
    print(f"plan pages                   {planned - linked:8.3f} s")
    print(f"plan distribution            {planned_extra - planned:8.3f} s")
    print(
        f"render {len(pages):>6} pages          {page_seconds:8.2f} s   {page_bytes / 1e6:8.1f} MB"
    )
    print(f"  of which meta + JSON-LD     {page_seconds - bare_seconds:8.2f} s")
    for kind in sorted(seconds):
        print(
            f"render {counts[kind]:>6} {kind:<15} {seconds[kind]:8.2f} s   {sizes[kind] / 1e6:8.1f} MB"
        )
    total = sum(seconds.values()) + planned_extra - planned
    print(f"distribution share of render {total / (total + page_seconds):8.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="articles to generate (default 1000)")
    parser.add_argument("--corpus", type=Path, help="an existing ssg site folder to measure")
    args = parser.parse_args()
    if args.corpus:
        measure(args.corpus)
        return
    with tempfile.TemporaryDirectory() as folder:
        measure(corpus(args.n, Path(folder)))


if __name__ == "__main__":
    main()
