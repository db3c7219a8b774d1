"""The theme on a phone, in a real browser: nothing wider than the screen, tables intact."""

from __future__ import annotations

import textwrap
from pathlib import Path

from playwright.sync_api import Browser
from test_search_browser import serve

from conftest import TINY_SITE, run, write_site

STORY = """\
---
title: Wide things and the Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherung
dek: Unterelbeschifffahrtsgesellschaftsverwaltungsratsvorsitzendenstellvertreterin spricht
dateline: HANOI, Vietnam
authors: ana-ruiz
date: 2024-03-05T09:00:00+07:00
---
Data: <https://data.example.org/reports/2026/annualsalinitymeasurementsforthedeltaprovinces.csv>

```sh
curl "https://data.example.gov/api/v2/readings?station=dai-ngai&from=2026-11-01&to=2026-11-30&format=csv"
```

| Line | Average weekday trips before cap | Average weekday trips, Oct. 2026 | Change |
|---|--:|--:|--:|
| SRT Red Lines | 24,000 | 51,000 | +113% |

Inline `/var/lib/newsroom/archive/2026/11/30/very-long-file-name-without-breaks.json` too.
"""


def test_a_story_with_long_urls_code_and_a_table_fits_a_phone(browser: Browser, tiny_site: Path):
    config = textwrap.dedent(TINY_SITE["site.yml"]) + "search: false\n"
    for language in ("en", "ar"):
        write_site(
            tiny_site,
            {"site.yml": config + f"language: {language}\n", "content/articles/wide.md": STORY},
        )
        assert run(tiny_site, "build").exit_code == 0
        with serve(tiny_site / "public") as origin:
            page = browser.new_page(viewport={"width": 375, "height": 800})
            page.goto(f"{origin}/2024/03/05/wide/")
            widths = page.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert widths[0] <= widths[1], (language, widths)  # no sideways scrolling
            dateline = page.locator(".dateline").inner_text()
            assert dateline == "HANOI, Vietnam"  # as the desk wrote it, not "HANOI, VIETNAM"
            # the table keeps whole words: "+113%" is one line, not "+11" over "3%"
            cell = page.locator("td", has_text="113").first.element_handle()
            lines = page.evaluate(
                "(td) => { const r = document.createRange(); r.selectNodeContents(td);"
                " return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; }",
                cell,
            )
            assert lines == 1, (language, lines)  # one line box (bidi runs may split it)
            direction = page.evaluate(
                "() => getComputedStyle(document.querySelector('pre')).direction"
            )
            assert direction == "ltr"  # code reads left to right on a right-to-left page too
            page.close()
            for path in ("/", "/authors/ana-ruiz/"):  # the long headline on its cards
                page = browser.new_page(viewport={"width": 375, "height": 800})
                page.goto(origin + path)
                widths = page.evaluate(
                    "() => [document.documentElement.scrollWidth,"
                    " document.documentElement.clientWidth]"
                )
                assert widths[0] <= widths[1], (language, path, widths)
                page.close()
