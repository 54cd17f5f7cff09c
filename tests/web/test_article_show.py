"""The article page: body as escaped paragraphs, provenance of dates, story, revisions."""

from __future__ import annotations

from starlette.testclient import TestClient

Editor = tuple[TestClient, str]


def test_article_page_shows_everything_an_editor_checks(
    editor: Editor, ids: dict[str, int]
) -> None:
    client, _ = editor
    html = client.get(f"/articles/{ids['lm_tunisia']}").text
    assert (
        f'<article class="story" id="article" data-id="{ids["lm_tunisia"]}" lang="fr" dir="ltr">'
        in html
    )
    assert '<p dir="auto">Des milliers de manifestants ont défilé à Tunis.</p>' in html
    assert "Frédéric Bobin" in html
    # Published time in the outlet's own offset, with where the date came from and precision.
    assert "2026-11-20 10:00 +01:00" in html
    assert "(from json-ld, precision minute)" in html
    # Original link opens without giving the outlet our page or a handle on it.
    assert (
        '<a class="original" href="https://www.lemonde.fr/afrique/article/2026/11/20/tunisie" '
        'target="_blank" rel="noopener noreferrer nofollow">Open original</a>'
    ) in html
    # Same story elsewhere, known addresses and the revision the outlet replaced.
    assert "Same story elsewhere (2)" in html
    assert "The Guardian" in html and "الجزيرة نت" in html
    assert "alias: " in html
    assert "Revisions (1)" in html
    assert "Tunisie : manifestations à Tunis" in html
    assert "changed title, body" in html


def test_arabic_article_is_right_to_left(editor: Editor, ids: dict[str, int]) -> None:
    client, _ = editor
    html = client.get(f"/articles/{ids['aj_tunisia']}").text
    assert 'lang="ar" dir="rtl"' in html
    assert "محمد علي" in html
    # 07:00 UTC: in the editor's zone (UTC until they choose one), Doha's offset on hover.
    assert 'title="outlet\'s time: 2026-11-20 10:00 +03:00">2026-11-20 07:00 UTC</time>' in html


def test_day_precision_date_is_not_given_a_time(editor: Editor, ids: dict[str, int]) -> None:
    client, _ = editor
    html = client.get(f"/articles/{ids['aj_gaza']}").text
    assert 'title="outlet\'s date">2026-11-20</time>' in html
    assert "precision day" in html


def test_french_article_on_an_arabic_site_keeps_each_paragraph_readable(
    editor: Editor, ids: dict[str, int]
) -> None:
    client, _ = editor
    html = client.get(f"/articles/{ids['nso']}").text
    assert 'lang="fr" dir="ltr"' in html
    # The site's Arabic tagline is its own paragraph whose direction the browser infers.
    assert '<p dir="auto">موقع إخباري يهتم بفضائح و انتهاكات دولة الامارات</p>' in html
    assert "(page declares ar)" in html


def test_unknown_article_is_404(editor: Editor) -> None:
    client, _ = editor
    response = client.get("/articles/999999")
    assert response.status_code == 404
    assert "no article with id 999999" in response.text


def test_ids_out_of_range_are_not_found(editor: Editor) -> None:
    """Too large for the id column, negative, zero or not a number: 404, never 500."""
    client, token = editor
    for raw in ("99999999999999999999", "2147483648", "-1", "0", "abc", "1e3", "٣"):
        assert client.get(f"/articles/{raw}").status_code == 404, raw
        response = client.post(f"/articles/{raw}/approve", data={"csrf": token})
        assert response.status_code == 404, raw
    assert client.get("/articles/2147483647").status_code == 404
    assert client.get("/api/articles?before=1.99999999999999999999").status_code == 200
    assert client.get("/api/articles?before=99999999999999999999.1").status_code == 200
