"""Property: after any sequence of edits, an incremental build equals a clean build, byte for byte.

Hypothesis draws random edit sequences (add, edit, delete and rename articles, with or
without a hero photo; edit an article's text alone; change an author's bio or a topic's description; change a template;
change site.yml; replace a photo file) and
after every step compares the incrementally built output folder with a clean build
of the same sources made without any cache.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import textwrap
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image as PILImage

from ssg.engine import Builder
from ssg.site import BuildOptions

from conftest import TINY_SITE, snapshot, write_site

NOW = BuildOptions(now=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
TOPICS = ["Courts", "Zürich", "Rice", "Kim Jong Un"]
AUTHORS = ["ana-ruiz", "li-wei"]
CARDS = [
    None,  # the built-in card
    '<article class="card"><a href="{{ url(item.url) }}">{{ item.title }}</a></article>\n',
    '<article class="card">{{ item.title }} by {{ item.authors|map(attribute="name")|join(", ") }}'
    " · {{ item.summary }}</article>\n",
]
CONFIG_TAILS = [
    "",
    "per_page: 1\n",
    "related_count: 1\n",
    "permalink: /{year}/{slug}/\n",
    "title: The Renamed Times\n",
]

# paragraphs appended to a story by a text edit; the last two send it to the full build
ADDED_TEXT = [
    "A paragraph added below.",
    "> A quote, added.",
    "Another [link](first.md).",
    "![A photo](/images/a.png)",
]
article = st.fixed_dictionaries(
    {
        "title": st.sampled_from(["Budget vote", "Flood warning", "Rice prices", "Court ruling"]),
        "day": st.integers(1, 28),
        "year": st.sampled_from([2023, 2024, 2026]),  # 2026 is scheduled (after NOW)
        "authors": st.lists(st.sampled_from(AUTHORS), min_size=1, max_size=2, unique=True),
        "topics": st.lists(st.sampled_from(TOPICS), max_size=3, unique=True),
        "body": st.sampled_from(["Short.", "A longer *body* with words.", "## Head\n\nText."]),
        "draft": st.booleans(),
        "photo": st.sampled_from([None, "a.png", "b.png"]),
    }
)
PHOTO_SIZES = [(64, 48), (120, 80), (90, 90)]

step = st.one_of(
    st.tuples(st.just("add"), article),
    st.tuples(st.just("edit"), st.integers(0, 99), article),
    st.tuples(st.just("text"), st.integers(0, 99), st.sampled_from(ADDED_TEXT)),
    st.tuples(st.just("delete"), st.integers(0, 99)),
    st.tuples(st.just("rename"), st.integers(0, 99)),
    st.tuples(st.just("bio"), st.sampled_from(AUTHORS), st.sampled_from(["Bio one.", "Bio two."])),
    st.tuples(
        st.just("topic"), st.sampled_from(TOPICS[:3]), st.sampled_from(["About it.", "More."])
    ),
    st.tuples(st.just("template"), st.integers(0, len(CARDS) - 1)),
    st.tuples(st.just("config"), st.integers(0, len(CONFIG_TAILS) - 1)),
    st.tuples(st.just("rebuild"), st.booleans()),  # no edit; optionally a fresh Builder
    st.tuples(st.just("photo"), st.sampled_from(["a.png", "b.png"]), st.integers(0, 2)),
)

# Pagefind's index is not byte-for-byte reproducible (two clean builds of one site
# differ), so these byte-level tests build without it; test_search.py covers the index.
ENGINE_SITE = {**TINY_SITE, "site.yml": textwrap.dedent(TINY_SITE["site.yml"]) + "search: false\n"}


def article_text(a: dict) -> str:
    photo = a.get("photo")
    hero = f"image:\n  src: /images/{photo}\n  alt: A photo\n  credit: Agency\n" if photo else ""
    return (
        f"---\ntitle: {a['title']}\nauthors: [{', '.join(a['authors'])}]\n"
        f"date: {a['year']}-03-{a['day']:02d}T08:00:00Z\n{hero}"
        f"topics: [{', '.join(a['topics'])}]\ndraft: {str(a['draft']).lower()}\n---\n{a['body']}\n"
    )


def write_photo(root: Path, name: str, variant: int) -> None:
    """A small PNG whose size and colour depend on `variant`."""
    folder = root / "assets/images"
    folder.mkdir(parents=True, exist_ok=True)
    colour = (40 * variant, 120, 200 - 50 * variant)
    PILImage.new("RGB", PHOTO_SIZES[variant], colour).save(folder / name)


def apply(root: Path, action: tuple, counter: list[int]) -> None:
    articles = sorted((root / "content/articles").rglob("*.md"))
    kind = action[0]
    if kind == "add":
        counter[0] += 1
        write_site(root, {f"content/articles/new/story-{counter[0]}.md": article_text(action[1])})
    elif kind == "edit" and articles:
        articles[action[1] % len(articles)].write_text(article_text(action[2]), encoding="utf-8")
    elif kind == "text" and articles:  # the body alone: the text-edit path (ssg.quick)
        path = articles[action[1] % len(articles)]
        text = path.read_text(encoding="utf-8")
        path.write_text(f"{text}\n{action[2]}\n", encoding="utf-8")
    elif kind == "delete" and articles:
        articles[action[1] % len(articles)].unlink()
    elif kind == "rename" and articles:
        counter[0] += 1
        source = articles[action[1] % len(articles)]
        source.rename(source.with_name(f"renamed-{counter[0]}.md"))
    elif kind == "bio":
        name = "Ana Ruiz" if action[1] == "ana-ruiz" else "Li Wei"
        write_site(
            root, {f"content/authors/{action[1]}.md": f"---\nname: {name}\n---\n{action[2]}\n"}
        )
    elif kind == "topic":
        slug = {"Courts": "courts", "Zürich": "zurich", "Rice": "rice"}[action[1]]
        write_site(
            root,
            {
                f"content/topics/{slug}.md": f"---\nname: {action[1]}\ndescription: {action[2]}\n---\n"
            },
        )
    elif kind == "template":
        write_site(root, {"layouts/partials/card.html": CARDS[action[1]]})
    elif kind == "photo":
        write_photo(root, action[1], action[2])
    elif kind == "config":
        write_site(root, {"site.yml": ENGINE_SITE["site.yml"] + CONFIG_TAILS[action[1]]})


def without_links(files: dict[str, str]) -> dict[str, str]:
    """The tiny site, minus the one cross-article link (deleting its target is an error)."""
    second = files["content/articles/second.md"].replace("[the first](first.md)", "the first")
    return {**files, "content/articles/second.md": second}


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=5), live=st.booleans())
def test_incremental_build_equals_clean_build(steps, live):
    """`live` is the preview server's builder: it keeps its model and writes its state
    file on close."""
    with tempfile.TemporaryDirectory() as tmp:
        root = write_site(Path(tmp) / "site", without_links(ENGINE_SITE))
        write_photo(root, "a.png", 0)
        write_photo(root, "b.png", 1)
        builder = Builder(root, options=NOW, jobs=1, live=live)
        first = builder.build()
        assert first.ok, first.problems
        counter = [0]
        for number, action in enumerate(steps):
            apply(root, action, counter)
            if action[0] == "rebuild" and action[1]:
                builder.close()
                builder = Builder(root, options=NOW, jobs=1, live=live)  # a new process
            report = builder.build()
            clean_dir = Path(tmp) / f"clean-{number}"
            clean = Builder(root, options=NOW, output=clean_dir, jobs=1, use_cache=False).build()
            assert report.ok == clean.ok, (report.problems, clean.problems)
            if not clean.ok:
                continue
            assert snapshot(root / "public") == snapshot(clean_dir), steps[: number + 1]
