"""Body clean-up around trafilatura: paragraphs kept, counters and teasers dropped."""

from __future__ import annotations

from lxml.html import fromstring

from aggregator.extraction.body import find_body, looks_like_menus, tidy


def test_tidy_keeps_paragraphs_and_drops_counters_and_teasers() -> None:
    text = "First paragraph here.\n185\n\nREAD MORE: Another story\nاقرأ أيضا: خبر آخر\nLast one."
    assert tidy(text) == "First paragraph here.\n\nLast one."


def test_a_long_paragraph_starting_like_a_teaser_is_kept() -> None:
    prose = "Related: " + " ".join(["word"] * 40)
    assert tidy(prose) == prose


def test_menus_are_recognised() -> None:
    menu = "\n\n".join(["Home", "News", "Sport", "Contact us", "Log in"] * 5)
    assert looks_like_menus(menu)
    story = "\n\n".join(["A full sentence of an article that goes on for a while."] * 25)
    assert not looks_like_menus(story)


def test_the_repeated_headline_is_not_part_of_the_body() -> None:
    paragraphs = "".join(
        f"<p>Paragraph {i} of the story, long enough for the extractor to keep it as prose.</p>"
        for i in range(6)
    )
    tree = fromstring(
        f"<html><body><article><h1>The headline</h1>{paragraphs}</article></body></html>"
    )
    body = find_body(tree, "https://x.example/a", None, title="The headline")
    assert body.text.startswith("Paragraph 0 of the story")
    assert body.text.count("\n\n") == 5
