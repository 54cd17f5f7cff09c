"""A page's country, zone and numeric date order when no source says."""

from __future__ import annotations

import pytest

from aggregator.extraction.dates.zones import (
    country_of_language,
    country_of_url,
    country_of_zone,
    date_order,
    zone_of_country,
)


@pytest.mark.parametrize(
    ("url", "country", "zone"),
    [
        ("https://www.lagazzettadelmezzogiorno.it/news/1265473", "IT", "Europe/Rome"),
        ("https://www.couriermail.com.au/news/national/x", "AU", "Australia/Sydney"),
        ("http://ici.radio-canada.ca/nouvelle/1728875", "CA", "America/Toronto"),
        ("https://www.bbc.co.uk/news/world-1", "GB", "Europe/London"),
        ("https://tass.ru/moskva/8836033", "RU", "Europe/Moscow"),
        ("https://www.nytimes.com/2021/02/03/story.html", None, None),
        ("https://localhost/a", None, None),
    ],
)
def test_country_and_zone_from_the_domain(url: str, country: str | None, zone: str | None) -> None:
    assert country_of_url(url) == country
    assert (str(zone_of_country(country)) if country else None) == zone


@pytest.mark.parametrize(
    ("language", "country", "order"),
    [
        ("de", None, "DMY"),
        ("fr", "CA", "DMY"),
        ("ar", None, "DMY"),
        ("ja", None, "YMD"),
        ("en", "US", "MDY"),
        ("en", "GB", "DMY"),
        ("en", "IN", "DMY"),
        ("en", None, None),  # unknown: dateparser's default (month first)
        (None, "GB", None),
    ],
)
def test_date_order(language: str | None, country: str | None, order: str | None) -> None:
    assert date_order(language, country) == order


def test_country_of_zone() -> None:
    assert country_of_zone("Europe/London") == "GB"
    assert country_of_zone("UTC") is None


def test_a_language_spoken_in_one_zone_gives_its_country() -> None:
    assert country_of_language("de") == "DE"  # also Austria and Switzerland: same offset
    assert country_of_language("ja") == "JP"
    assert country_of_language("en") is None  # many zones
    assert country_of_language("es") is None
    assert country_of_language(None) is None
