"""Where a page is from, when no source says: its country's time zone and numeric date order.

A page read without a source (``aggregator extract`` on a saved file, the benchmark) still
needs a zone for bare local times and for the local day of a time written in UTC, and an
order for ``03.05.2013``. The country comes from the host's country-code domain (``.it``,
``.com.au``), else from a language spoken in one zone (German, Japanese, Turkish...), its zone
from the system's tz database (``zone.tab``); a country spanning several zones gets its most
populous one. Day-month-year is the order of every language dateparser
knows but English, Japanese, Chinese, Korean, Hungarian, Persian and a few more; English is
month-first only in the United States, the Philippines and Canada.
"""

from __future__ import annotations

import zoneinfo
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from dateparser.languages.loader import default_loader

# Countries whose first zone in zone.tab is not where most of their press is.
_MAIN_ZONE = {
    "US": "America/New_York", "CA": "America/Toronto", "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo", "RU": "Europe/Moscow", "MX": "America/Mexico_City",
    "AR": "America/Argentina/Buenos_Aires", "CL": "America/Santiago", "NZ": "Pacific/Auckland",
    "ES": "Europe/Madrid", "PT": "Europe/Lisbon", "EC": "America/Guayaquil",
    "ID": "Asia/Jakarta", "KZ": "Asia/Almaty", "CN": "Asia/Shanghai", "UA": "Europe/Kyiv",
    "DE": "Europe/Berlin", "CD": "Africa/Kinshasa", "MN": "Asia/Ulaanbaatar",
}  # fmt: skip
_TLD_COUNTRY = {"uk": "GB"}  # the one country-code domain that is not its ISO code
# Languages whose press sits in one country or in countries sharing one UTC offset all year
# (German: DE, AT, CH; Dutch: NL, BE): a page in them is read in that country's zone when its
# domain names no country. English, Spanish, French, Arabic, Portuguese, Russian and Chinese
# span many zones and get none.
_LANGUAGE_COUNTRY = {
    "de": "DE", "nl": "NL", "it": "IT", "pl": "PL", "cs": "CZ", "sk": "SK", "hu": "HU",
    "ro": "RO", "bg": "BG", "el": "GR", "tr": "TR", "uk": "UA", "he": "IL", "fa": "IR",
    "ja": "JP", "ko": "KR", "th": "TH", "vi": "VN", "id": "ID", "sv": "SE", "da": "DK",
    "nb": "NO", "no": "NO", "fi": "FI", "hr": "HR", "sr": "RS", "sl": "SI", "lt": "LT",
    "lv": "LV", "et": "EE", "ka": "GE", "hy": "AM", "az": "AZ", "sq": "AL", "mk": "MK",
    "bs": "BA",
}  # fmt: skip
_MONTH_FIRST_ENGLISH = frozenset({"US", "PH", "CA", "FM", "MH", "PW"})


@lru_cache(maxsize=1)
def _zone_table() -> tuple[dict[str, str], dict[str, str]]:
    """(country -> main zone, zone -> country) from the tz database's ``zone.tab``."""
    by_country: dict[str, str] = {}
    by_zone: dict[str, str] = {}
    for folder in zoneinfo.TZPATH:
        path = Path(folder) / "zone.tab"
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#") or not line.strip():
                continue
            country, _, name = line.split("\t")[:3]
            by_country.setdefault(country, name)
            by_zone[name] = country
        break
    by_country.update(_MAIN_ZONE)
    return by_country, by_zone


def country_of_url(url: str) -> str | None:
    """ISO 3166 code of the host's country-code domain (``news.com.au`` -> ``AU``), or None."""
    host = (urlsplit(url).hostname or "").rstrip(".")
    tld = host.rsplit(".", 1)[-1] if "." in host else ""
    if len(tld) != 2 or not tld.isalpha():
        return None
    country = _TLD_COUNTRY.get(tld, tld.upper())
    return country if country in _zone_table()[0] else None


def country_of_language(language: str | None) -> str | None:
    """The country whose zone a page in this language is in, when the language says so."""
    return _LANGUAGE_COUNTRY.get(language or "")


def zone_of_country(country: str) -> ZoneInfo | None:
    """The main time zone of a country, or None when the tz database does not know it."""
    name = _zone_table()[0].get(country)
    try:
        return ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def country_of_zone(zone: object) -> str | None:
    """The country of a tz database zone (``Europe/London`` -> ``GB``); None for UTC."""
    return _zone_table()[1].get(str(zone))


def date_order(language: str | None, country: str | None) -> str | None:
    """dateparser's ``DATE_ORDER`` (``DMY``, ``MDY``, ``YMD``) for numeric dates, or None.

    None leaves dateparser's own default (month first), used when nothing is known.
    """
    if not language:
        return None
    if language == "en":
        if country is None:
            return None
        return "MDY" if country in _MONTH_FIRST_ENGLISH else "DMY"
    try:
        order = default_loader.get_locale(language).info.get("date_order")
    except (KeyError, ValueError):
        return None
    return str(order) if order in ("DMY", "MDY", "YMD") else None
