"""Pagination on long listings links the first, last and nearby pages, not every page."""

from __future__ import annotations

from pathlib import Path

from ssg.plan import paginate

from conftest import TINY_SITE, html, run, write_site


def test_window_numbers_and_gaps():
    pagers = paginate(list(range(100)), 5, "/")  # 20 pages
    shown = [link[0] if link else None for link in pagers[9].window]
    assert shown == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert [link[0] for link in pagers[0].window if link] == [1, 2, 3, 20]
    assert pagers[19].window[-1] == (20, "/page/20/")
    assert [link[0] for link in paginate([1, 2], 1, "/")[0].window] == [1, 2]


def test_long_listing_renders_windowed_links(tmp_path: Path):
    files = {**TINY_SITE, "site.yml": TINY_SITE["site.yml"].replace("per_page: 2", "per_page: 1")}
    for i in range(9):
        files[f"content/articles/more-{i}.md"] = (
            f"---\ntitle: More {i}\nauthors: li-wei\ndate: 2024-04-{i + 1:02d}\n---\nBody.\n"
        )
    root = write_site(tmp_path / "site", files)
    assert run(root, "build").exit_code == 0
    page = html(root / "public/page/6/index.html")
    numbers = [li.text_content().strip() for li in page.cssselect(".pagination li")]
    assert numbers == ["1", "…", "4", "5", "6", "7", "8", "…", "12"]
    hrefs = [a.get("href") for a in page.cssselect(".pagination li a")]
    assert hrefs[0] == "/" and hrefs[-1] == "/page/12/"
    for href in hrefs:  # every link leads to a page that exists
        assert (root / "public" / href.lstrip("/") / "index.html").is_file()
