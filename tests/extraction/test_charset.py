"""A page is read in the charset its bytes are in, and a lying label is reported."""

from __future__ import annotations

import codecs

import pytest

from aggregator.extraction.charset import decode_page, label

ARABIC = (
    '<html lang="ar"><head><meta charset="utf-8"><title>عمال مهاجرون</title></head>'
    "<body><p>اشتكى عشرات العمال المهاجرين من تأخر صرف رواتبهم منذ أكثر من أربعة أشهر.</p>"
    "</body></html>"
)
FRENCH = "<html><head><title>Enquête</title></head><body><p>L'été déjà passé, élève.</p></body>"


@pytest.mark.parametrize("header", ["text/html; charset=utf-8", "text/html", None])
def test_windows_1256_under_a_utf8_label_is_read_as_windows_1256(header: str | None) -> None:
    page = decode_page(ARABIC.encode("cp1256"), header)
    assert page.text == ARABIC
    assert page.encoding == "windows-1256"
    assert page.warning == "charset: declared utf-8, read as windows-1256"


def test_utf8_under_a_windows_1256_label_is_read_as_utf8() -> None:
    page = decode_page(ARABIC.encode(), "text/html; charset=windows-1256")
    assert page.text == ARABIC
    assert page.warning == "charset: declared windows-1256, read as utf-8"


@pytest.mark.parametrize(
    ("body", "header"),
    [
        (ARABIC.encode(), "text/html; charset=UTF-8"),
        (ARABIC.encode("cp1256"), "text/html; charset=windows-1256"),
        (FRENCH.encode("cp1252"), "text/html; charset=iso-8859-1"),
        (b"<html><body>plain ascii</body></html>", "text/html; charset=windows-1256"),
    ],
)
def test_truthful_labels_give_no_warning(body: bytes, header: str) -> None:
    page = decode_page(body, header)
    assert page.warning is None
    assert "\ufffd" not in page.text


def test_the_meta_label_is_tried_when_the_header_cannot_decode() -> None:
    html = FRENCH.replace("<head>", '<head><meta charset="windows-1252">')
    page = decode_page(html.encode("cp1252"), b"text/html; charset=utf-8")
    assert page.text == html
    assert page.warning == "charset: declared utf-8, read as windows-1252"


def test_a_byte_order_mark_wins_over_the_label() -> None:
    page = decode_page(codecs.BOM_UTF8 + ARABIC.encode(), "text/html; charset=windows-1256")
    assert page.text == ARABIC
    assert page.warning == "charset: declared windows-1256, read as utf-8"


def test_labels_are_the_usual_names() -> None:
    assert label("cp1256") == "windows-1256"
    assert label("utf8") == "utf-8"
