"""Body clean-up around trafilatura: paragraphs kept, junk dropped, truncation caught."""

from __future__ import annotations

from lxml.html import fromstring

from aggregator.extraction.body import find_body, looks_like_menus, tidy, word_count
from aggregator.extraction.boilerplate import clean_paragraphs
from aggregator.extraction.completeness import more_complete


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


def test_word_count_fits_the_script() -> None:
    assert word_count("The council voted on Wednesday.") == 5
    assert word_count("政府は措置を三月末まで延長すると発表しました。") == 15  # 22 characters / 1.5
    assert word_count("ผู้ผลิต และจำหน่ายโซ่อุตสาหกรรม") == 8  # 30 Thai characters / 4
    assert word_count("東京 2020 Olympics") == 3  # "2020", "Olympics" and 2 characters / 1.5


def test_a_fuller_candidate_must_contain_the_fast_text() -> None:
    fast = "One paragraph of the story that trafilatura kept from the first chunk."
    fuller = fast + "\n\n" + "And the rest of the article, in a second chunk after an advert. " * 3
    assert more_complete(fuller, fast)
    assert not more_complete("A sidebar full of other stories. " * 10, fast)
    assert not more_complete(fast + " More.", fast)  # not clearly longer


def test_json_ld_article_body_completes_a_truncated_body() -> None:
    kept = "".join(
        f"<p>Paragraph {i} of the story, long enough for the extractor to keep it as prose.</p>"
        for i in range(6)
    )
    tree = fromstring(f"<html><body><article><h1>Headline</h1>{kept}</article></body></html>")
    whole = "\n".join(
        f"Paragraph {i} of the story, long enough for the extractor to keep it as prose."
        for i in range(12)
    )
    body = find_body(tree, "https://x.example/a", None, "Headline", article_body=whole)
    assert body.method == "fallback"
    assert body.text.count("\n\n") == 11


def test_link_lines_and_closing_lists_are_dropped() -> None:
    prose = "".join(
        f"<p>Paragraph {i} of the story, long enough for the extractor to keep it as prose.</p>"
        for i in range(8)
    )
    tree = fromstring(
        "<html><body><article><h1>Headline</h1>"
        f"{prose}<p><a href='/other'>Another story everybody is reading today</a></p>"
        "<h3>You may also like</h3><p>Who will make the Hall of Fame in 2020?</p>"
        "</article></body></html>"
    )
    text = clean_paragraphs(
        tidy(
            "\n".join(
                [
                    *(f"Paragraph {i} of the story, long enough to keep." for i in range(8)),
                    "https://x.example/a",
                    "Another story everybody is reading today",
                    "You may also like",
                    "Who will make the Hall of Fame in 2020?",
                ]
            )
        ),
        tree,
        "Headline",
    )
    assert text.endswith("Paragraph 7 of the story, long enough to keep.")


def test_standfirst_comment_tail_and_labelled_links_are_dropped() -> None:
    tree = fromstring(
        "<html><body><article><h1>Headline</h1>"
        '<h2 class="Article-subHeadline">Twenty teams have punched tickets for the tournament</h2>'
        '<p><a href="/x">China furious at Macron over protest jibe [INSIGHT]</a></p>'
        "</article></body></html>"
    )
    story = [f"Paragraph {i} of the story, long enough to keep as prose here." for i in range(8)]
    text = "\n\n".join(
        [
            "Twenty teams have punched tickets for the tournament",
            *story[:4],
            "China furious at Macron over protest jibe [INSIGHT]|",
            *story[4:],
            "Tags",
            "football, euro 2020, qualifying, wales, hungary, slovakia",
            "Comments",
        ]
    )
    description = "Twenty teams have punched tickets for the tournament. Here is who."
    assert clean_paragraphs(text, tree, "Headline", description) == "\n\n".join(story)
    kept = clean_paragraphs(text, tree, "Headline")  # no description: the lead stays
    assert kept.startswith("Twenty teams have punched tickets")


def test_a_leggi_anche_box_mid_story_does_not_cut_it() -> None:
    story = [
        f"Paragraph {i} of the story, long enough to keep as prose in the text." for i in range(8)
    ]
    long_tail = "The story goes on after the box with a long paragraph of real prose, " * 3
    text = "\n\n".join([*story, "Leggi anche", long_tail])
    tree = fromstring("<html><body><p>x</p></body></html>")
    assert clean_paragraphs(text, tree, None) == text
