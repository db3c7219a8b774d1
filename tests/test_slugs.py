"""Unicode-aware slugs for topics and file names."""

import pytest

from ssg.slugs import slugify


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Kim Jong Un", "kim-jong-un"),
        ("Zürich", "zurich"),
        ("Đà Nẵng", "da-nang"),
        ("Mekong River", "mekong-river"),
        ("  COVID-19  ", "covid-19"),
        ("???", "untitled"),
    ],
)
def test_slugify(text: str, slug: str):
    assert slugify(text) == slug
