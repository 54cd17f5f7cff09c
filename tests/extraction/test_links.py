"""Links the body makes to other sites' pages: a credit the text may not spell out.

The page is the French NSO report (../shared/seed/nso-report.txt) in the chrome of the
Arabic-language site that republishes it (tests/fixtures/stories/sawt/page.html), with the
kinds of links such a page carries: its own menus and related stories, share buttons, and an
inline link to the report it translates.
"""

from __future__ import annotations

import html

from aggregator.extraction import extract_article
from tests.conftest import FIXTURES
from tests.spiders.crawling import REPO

SEED = REPO.parent / "shared" / "seed" / "nso-report.txt"
PAGE_URL = "https://sawt.example/fr/2021/nso-enquete.html"
ORIGINAL = "https://www.theguardian.com/world/2021/feb/03/nso-group-us-justice-department"


def _page(extra_paragraph: str) -> str:
    tagline, title, views, *paragraphs = [
        p.strip() for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()
    ]
    chrome = (FIXTURES / "stories" / "sawt" / "page.html").read_text(encoding="utf-8")
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs[:3])
    body += f"\n<p>{extra_paragraph}</p>\n"
    body += "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs[3:])
    body += (
        '\n<div class="share"><a href="https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2F'
        'sawt.example%2Ffr%2F2021%2Fnso-enquete.html">Partager sur Facebook</a> <a href="https://'
        'twitter.com/intent/tweet?url=https://sawt.example/fr/2021/nso-enquete.html">Tweeter</a>'
        "</div>"
    )
    page = chrome.replace("{{TAGLINE}}", html.escape(tagline)).replace("{{VIEWS}}", views)
    return page.replace("{{TITLE}}", html.escape(title)).replace("{{PARAGRAPHS}}", body)


def test_an_inline_link_to_another_site_is_kept_with_its_words() -> None:
    paragraph = (
        f'Les détails de l\'enquête ont été <a href="{ORIGINAL}">révélés par le quotidien '
        'britannique</a> mercredi, et <a href="/fr/2021/nso-suite.html">notre suivi</a> les '
        'complète (<a href="https://www.theguardian.com/">accueil</a>, <a href="#notes">notes</a>);'
        ' <a href="https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fsawt.example%2Ffr">'
        "partagez-le</a>."
    )
    article = extract_article(_page(paragraph), PAGE_URL)
    assert [(link.url, link.anchor) for link in article.links] == [
        (ORIGINAL, "révélés par le quotidien britannique")
    ]  # not the site's own pages, a home page, an anchor, menus or share buttons, inline or not


def test_a_page_without_inline_links_to_others_has_none() -> None:
    article = extract_article(_page("Le texte ne renvoie à aucun autre site."), PAGE_URL)
    assert article.body and article.links == []


def test_a_page_read_from_a_file_keeps_its_links_to_web_pages() -> None:
    # `aggregator extract page.html` has a file path for a URL: no host of its own.
    paragraph = (
        f'Les détails ont été <a href="{ORIGINAL}">révélés par le quotidien britannique</a>.'
    )
    article = extract_article(_page(paragraph), "/tmp/saved/nso-enquete.html")
    assert [link.url for link in article.links] == [ORIGINAL]
