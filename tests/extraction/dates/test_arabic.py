"""Arabic month names and digits dateparser misses, and Hijri dates."""

from __future__ import annotations

from datetime import date

import pytest

from aggregator.extraction.dates.arabic import hijri_to_gregorian, normalize, strip_hijri


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("٤ شباط ٢٠٢١", "4 فبراير 2021"),
        ("3 كانون الثاني 2021", "3 يناير 2021"),
        ("الأحد 5 تشرين الأول 2020", "الأحد 5 أكتوبر 2020"),
        ("10 آب 2020", "10 أغسطس 2020"),
        ("3 فيفري 2021", "3 فبراير 2021"),
        ("20 غشت 2020", "20 أغسطس 2020"),
        ("الأربعاء، 3 فبراير 2021", "الأربعاء  3 فبراير 2021"),
        ("Feb 3, 2021", "Feb 3, 2021"),  # not Arabic: untouched
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_month_names_inside_words_are_left_alone() -> None:
    assert normalize("الكتاب 2021") == "الكتاب 2021"  # contains "اب" but is not the month


def test_hijri_dates() -> None:
    assert hijri_to_gregorian(normalize("الثلاثاء ٢٠ جمادى الآخرة ١٤٤٢ هـ")) == date(2021, 2, 2)
    assert hijri_to_gregorian("1 رمضان 1441") == date(2020, 4, 24)
    assert hijri_to_gregorian("3 فبراير 2021") is None
    assert hijri_to_gregorian("40 رمضان 1441") is None  # impossible day
    assert "فبراير" in strip_hijri("20 جمادى الآخرة 1442 الموافق 2 فبراير 2021")
    assert "جمادى" not in strip_hijri("20 جمادى الآخرة 1442 الموافق 2 فبراير 2021")


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("14-09-1432 هـ", date(2011, 8, 14)),
        ("1432/09/14هـ", date(2011, 8, 14)),
        ("٢٠-٠٦-١٤٤٢", date(2021, 2, 2)),  # a 14xx year needs no "هـ"
        ("12-04-1399 هـ.ش", None),  # Persian solar calendar: not lunar Hijri
        ("03-05-2013", None),
    ],
)
def test_numeric_hijri_dates(text: str, day: date | None) -> None:
    assert hijri_to_gregorian(normalize(text)) == day
