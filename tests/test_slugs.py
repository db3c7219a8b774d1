"""Unicode-aware slugs for topics and file names."""

import pytest

from ssg.slugs import NEW_FILE_SLUG_LIMIT, file_slug, slugify


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


@pytest.mark.parametrize(
    "headline",
    [
        "Salt water pushes deeper into the Mekong Delta as farmers in Soc Trang province "
        "watch it creep deeper into the Mekong Delta every single year now",
        "Provincial council " + "debates the budget again " * 20,
        "Council approves extraordinarily-comprehensive-infrastructure-reconstruction plan "
        "for a new bridge",
    ],
)
def test_a_long_headline_keeps_its_leading_words_up_to_the_limit(headline: str):
    whole = slugify(headline)
    cut = file_slug(headline)
    assert len(cut) <= NEW_FILE_SLUG_LIMIT and not cut.endswith("-")
    assert whole.startswith(cut + "-"), "no word dropped from the middle"
    next_word = whole[len(cut) + 1 :].split("-")[0]
    assert len(cut) + 1 + len(next_word) > NEW_FILE_SLUG_LIMIT, "cut no earlier than needed"
