"""Templates escape output with `fast_escape`, which gives markupsafe's `escape` result for
every kind of value (the hostile-content tests check the built pages end to end)."""

from __future__ import annotations

from pathlib import Path

import markupsafe
import pytest
from markupsafe import Markup

from ssg.config import load_config
from ssg.templates import fast_escape, make_environment

from conftest import TINY_SITE, write_site


class Html:
    def __html__(self) -> str:
        return "<b>trusted</b>"


class Text(str):  # a str subclass without __html__, like ssg's elided-body marker
    pass


VALUES = [
    "plain",
    "",
    "<script>alert('x') & \"y\"</script>",
    "café — ünïcödé <ok>",
    Markup("<em>safe</em>"),
    Text("<i>sub</i>"),
    Html(),
    42,
    3.5,
    None,
    True,
    ["<a>", 1],
]


@pytest.mark.parametrize("value", VALUES, ids=lambda value: type(value).__name__)
def test_fast_escape_gives_markupsafes_result(value):
    expected, got = markupsafe.escape(value), fast_escape(value)
    assert type(got) is Markup
    assert str(got) == str(expected)


def test_compiled_templates_escape_with_it(tmp_path: Path):
    root = write_site(tmp_path / "site", TINY_SITE)
    config, problems = load_config(root / "site.yml")
    assert config is not None, problems
    env = make_environment(config, root / "layouts")
    template = env.from_string("<p title='{{ value }}'>{{ value }}</p>")
    assert template.root_render_func.__globals__["escape"] is fast_escape
    assert template.render(value="<'&'>") == (
        "<p title='&lt;&#39;&amp;&#39;&gt;'>&lt;&#39;&amp;&#39;&gt;</p>"
    )
    assert env.get_template("article.html").root_render_func.__globals__["escape"] is fast_escape
