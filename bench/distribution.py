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
    start = time.process_time()
    config, problems = load_config(root / "site.yml")
    assert config is not None, problems
    parsed, _ = parse_content(root, config)
    options = BuildOptions()
    site, _ = build_site(config, parsed, options, walk_assets(asset_roots(root)))
    linked = time.process_time()
    headline_warnings(site.articles, parsed.fronts)
    pages = plan(site)
    planned = time.process_time()
    extra = plan_distribution(site, pages, options.now)
    planned_extra = time.process_time()
    env = make_environment(config, root / "layouts")

    # each page rendered twice, alternating: as built, and without partials/meta.html
    # (social tags and JSON-LD), so the difference prices the metadata; CPU time, not wall
    bare = env.overlay(
        loader=jinja2.ChoiceLoader([jinja2.DictLoader({"partials/meta.html": ""}), env.loader])
    )
    page_seconds = bare_seconds = 0.0
    page_bytes = 0
    for output in pages:
        clock = time.process_time()
        [(_, body)] = render_outputs(env, [output])
        middle = time.process_time()
        list(render_outputs(bare, [output]))
        page_seconds += middle - clock
        bare_seconds += time.process_time() - middle
        page_bytes += len(body) if isinstance(body, bytes) else 0

    seconds: dict[str, float] = defaultdict(float)
    sizes: dict[str, int] = defaultdict(int)
    counts: dict[str, int] = defaultdict(int)
    clock = time.process_time()
    for output, body in render_outputs(env, extra):
        now = time.process_time()
        kind = group(output.template)
        seconds[kind] += now - clock
        sizes[kind] += len(body) if isinstance(body, bytes) else 0
        counts[kind] += 1
        clock = now

    print(
        f"{len(site.articles)} articles, {len(site.topics)} topics, {len(site.authors)} authors (CPU seconds)"
    )
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
    print(f"distribution files, share of all rendering {total / (total + page_seconds):6.1%}")


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
