"""The words and shapes of human-written dates, in the languages our outlets write.

Shared by :mod:`.reader` (one date string) and :mod:`.text` (a date line that may hold a
publication and an update). Patterns match text already through :func:`.arabic.normalize`
(ASCII digits) with curly apostrophes straightened.
"""

from __future__ import annotations

import re

MAX_TEXT = 160  # a date line is short; longer text is a paragraph that merely mentions a date

# Words announcing an update: what follows them is a modification date.
MODIFIED = re.compile(
    r"(mis\s+à\s+jour|mise\s+à\s+jour|actualisé|modifié|(?:last\s+)?updated?|last\s+modified|"
    r"actualizad[oa]|actualización|aktualisiert|zuletzt\s+geändert|geändert|atualizad[oa]|"
    r"aggiornat[oa]|آخر\s+تحديث|تم\s+التحديث|تحديث|محدث)",
    re.IGNORECASE,
)
# Leading words announcing the publication; they break dateparser.parse, so we drop them.
PREFIX = re.compile(
    r"^\s*(?:first\s+)?(?:publié|publiée|posted|published|publicado|publicada|veröffentlicht|"
    r"erschienen|pubblicato|pubblicata|publicat|gepubliceerd|yayınlanma|yayınlandı|"
    r"تم\s+نشره|تم\s+النشر|نشر|نُشر|تاريخ\s+النشر|بتاريخ|"
    r"date|datum|fecha|data|tarih|le|on|am|el|il|في)(?!\w)"
    r"(?:\s+(?:le|on|am|el|il|em|في|بتاريخ|at|à)(?!\w))?\s*[:\-|]?\s*|^\s*[:\-|]\s*",
    re.IGNORECASE,
)
# A time of day or a relative phrase in hours/minutes: the date is precise to the minute.
TIME = re.compile(
    r"\d{1,2}\s*[:h]\s*\d{2}|\d{1,2}\s*(?:am|pm|a\.m\.|p\.m\.|uhr)\b|"
    r"(?<![\d.])\d{1,2}\.\d{2}(?![\d.])(?!\s*\d)|"  # "14.05 GMT" (British style), not "03.02.2021"
    r"\d+\s*(?:h|hrs?|std\.?|min\.?|m)(?![^\W\d_])|"
    r"\b(?:hours?|hrs?|minutes?|mins?|seconds?|secs?|heures?|secondes?|horas?|minutos?|segundos?|"
    r"stunden?|minuten?|sekunden?|ore|ora|minuti|minuto|secondi|saat|dakika|saniye|uur|"
    r"minuten|godzin[ay]?|minut[ay]?|часа?|часов|минут[ы]?)\b|"
    r"\d\s*(?:時|时|点|시|小时|小時)|\d\s*(?:分|분)|"
    r"\bjust now\b|à l'instant|gerade eben|ahora mismo|agora mesmo|proprio ora|الآن|"
    r"ساعة|ساعات|ساعتين|ساعتان|دقيقة|دقائق|دقيقتين|ثانية|ثوان",
    re.IGNORECASE,
)
RELATIVE_WORD = re.compile(
    r"\bago\b|il y a|\bhace\b|\bvor\b|منذ|قبل|\bfa\b|\bhá\b|önce|prije|назад|\btemu\b|"
    r"geleden|yesterday|today|\bhier\b|aujourd'hui|\bayer\b|\bhoy\b|gestern|heute|\bieri\b|"
    r"\boggi\b|\bontem\b|\bhoje\b|gisteren|vandaag|dün|bugün|вчера|сегодня|wczoraj|dzisiaj|"
    r"\bjust now\b|à l'instant|gerade eben|ahora mismo|agora mesmo|الآن|"
    r"前|昨日|今日|昨天|今天|전|어제|오늘|أمس|اليوم",
    re.IGNORECASE,
)
TIME_OF_DAY = re.compile(
    r"\d{1,2}\s*[:h]\s*\d{2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.|uhr|[صم](?!\w))?|"
    r"(?<![\d.])\d{1,2}\.\d{2}(?![\d.])(?!\s*\d)\s*(?:am|pm|gmt|bst|uhr)?|"
    r"\d{1,2}\s*(?:時|时|点|시)(?:\s*\d{1,2}\s*(?:分|분))?",
    re.IGNORECASE,
)
# Words that may follow a date and belong to it: "at 5:02 PM", "à 14h05", "um 10:30 Uhr", "EST".
TIME_WORD = re.compile(
    r"^(?:at|à|a|um|u|alle|om|às|kl\.?|klo|o|saat|,|-|\||\d{1,2}(?:[:h.]\d{2}){1,2},?|am|pm|"
    r"a\.m\.|p\.m\.|uhr|h|"
    r"(?-i:[A-Z]{2,4})|(?:gmt|utc)[+-]?\d{0,4}|[صم]|مساء[ًا]?|صباح[ًا]?|\d{1,2}(?:時|时|点|시)(?:\d{1,2}(?:分|분))?)$",
    re.IGNORECASE,
)
# Words joining a date and its time that dateparser cannot read ("kl", "klo") or that only
# get in its way. One-letter ones ("u", "a") are also plain words, and stay.
CONNECTOR = re.compile(r"^(?:at|à|um|alle|om|às|kl\.?|klo|saat|\|)$", re.IGNORECASE)
# Zone names and offsets that may follow a time: not words that name a day.
ZONE_WORDS = re.compile(r"(?-i:\b[A-Z]{2,5}\b)|\b(?:gmt|utc)\b|[+-]\d{2}:?\d{2}", re.IGNORECASE)
# A line worth handing to dateparser names a year, a numeric date, or is relative ("2 h ago").
DATEISH = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)|\d{1,2}[./-]\d{1,2}[./-]\d{2}|\d+\s*年")
YEAR = re.compile(r"(?<!\d)(?:1[34]|19|20)\d\d(?!\d)|\d{2,4}\s*年|'\d\d\b")
# Day and month both 12 or less: "03/05/2013" is 3 May or 5 March depending on the country.
AMBIGUOUS_NUMERIC = re.compile(
    r"(?<!\d)(0?[1-9]|1[0-2])[./-](0?[1-9]|1[0-2])[./-](?:19|20)?\d\d(?!\d)"
)


# Thai dates count years in the Buddhist era: 2564 is 2021.
BUDDHIST_YEAR = re.compile(r"(?<!\d)(25[3-9]\d)(?!\d)")
BUDDHIST_ERA_OFFSET = 543
THAI = re.compile(r"[\u0e00-\u0e7f]")


def is_ambiguous_numeric(text: str) -> bool:
    """True for a numeric date whose day and month could be swapped ("03/05/2013")."""
    match = AMBIGUOUS_NUMERIC.search(text)
    return match is not None and int(match.group(1)) != int(match.group(2))
