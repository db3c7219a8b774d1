"""Benchmark the front-page features: build a generated newsroom with and without them.

    python bench/frontpages.py [ARTICLES] [ROUNDS]      (default 3000 articles, 3 rounds)

Builds the same generated articles as a plain site (no sections, no home.yml) and with
six sections, a curated home.yml, live articles with many updates and series, in
alternating rounds, and prints the fastest round of each with its phases, so the cost
of the front pages is the difference. (Date archives are built in both.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from ssg.build import build
from ssg.site import BuildOptions

SECTIONS = ("World", "Politics", "Business", "Climate", "Culture", "Health")
NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def generate(root: Path, count: int, fronts: bool) -> None:
    config = (
        "title: Bench\nbase_url: https://bench.example/\ntimezone: Asia/Bangkok\nper_page: 20\n"
    )
    if fronts:
        config += "sections: [" + ", ".join(SECTIONS) + "]\n"
    write(root / "site.yml", config)
    write(root / "content/authors/reporter.md", "---\nname: A Reporter\n---\nBio.\n")
    start = NOW - dt.timedelta(days=3 * 365)
    for i in range(count):
        date = start + dt.timedelta(hours=i * 26280 / count)
        lines = [
            "---",
            f"title: Story number {i}",
            "authors: reporter",
            f"date: {date.isoformat()}",
            f"section: {SECTIONS[i % len(SECTIONS)]}",
            f"topics: [Topic {i % 40}, Topic {i % 7}]",
        ]
        body = f"Paragraph one of story {i}.\n\nParagraph two.\n"
        if fronts and i % 10 == 0:
            lines += [f"series: Series {i % 30}", f"series_part: {i // 30 + 1}"]
        if fronts and i % 500 == 0:
            lines.append("live: true")
            body += "".join(
                f"\n## {(date + dt.timedelta(minutes=5 * k)).isoformat()} Update {k}\n\nText {k}.\n"
                for k in range(60)
            )
        write(root / f"content/articles/{i // 500}/story-{i}.md", "\n".join([*lines, "---", body]))
    if fronts:
        top = ", ".join(f"story-{count - k}" for k in (2, 5, 9))
        home = f"lead: story-{count - 1}\ntop: [{top}]\nsections:\n"
        home += "".join(f"  - section: {s}\n    count: 4\n" for s in SECTIONS)
        home += "breaking:\n  text: Bench banner\n  link: /world/\n"
        write(root / "content/home.yml", home)


def run(root: Path) -> tuple[float, int, dict[str, float]]:
    """One full build of the site at `root`: seconds, pages, phase timings."""
    started = time.perf_counter()
    result = build(root, options=BuildOptions(now=NOW))
    return time.perf_counter() - started, result.pages, result.timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", nargs="?", type=int, default=3000)
    parser.add_argument("rounds", nargs="?", type=int, default=3)
    args = parser.parse_args()
    count, rounds = args.articles, args.rounds
    with tempfile.TemporaryDirectory() as folder:
        roots = {}
        for fronts in (False, True):
            roots[fronts] = Path(folder) / str(fronts)
            generate(roots[fronts], count, fronts)
        best: dict[bool, tuple[float, int, dict[str, float]]] = {}
        for _ in range(rounds):
            for fronts, root in roots.items():
                measured = run(root)
                if fronts not in best or measured[0] < best[fronts][0]:
                    best[fronts] = measured
    for fronts, (total, pages, timings) in best.items():
        phases = ", ".join(f"{name} {secs * 1000:.0f} ms" for name, secs in timings.items())
        label = "with front pages" if fronts else "plain           "
        print(f"{label}: {count} articles -> {pages} pages, best of {rounds}: {total:.2f} s")
        print(f"                  ({phases})")


if __name__ == "__main__":
    main()
