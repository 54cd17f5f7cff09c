"""Real text for the watch tests: the NSO report (French, shared seed) and the NTREX
translations (English, French, Arabic: shared/data/stories-dev), with their fallbacks.

The shared data has no Arabic sentence naming Pegasus (the Arabic demo site tags its French
NSO article "بيغاسوس"), so :data:`ARABIC_PEGASUS` is the report's Pegasus sentence in Arabic,
in the spelling Arabic outlets use.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

SHARED = Path(__file__).resolve().parents[3] / "shared"
REPORT = SHARED / "seed" / "nso-report.txt"
NTREX = SHARED / "data" / "stories-dev" / "ntrex-dev.jsonl"

FRENCH_PEGASUS = (
    "Amnesty International et d’autres organisations ont recueilli des informations sur "
    "l’utilisation systématique du logiciel espion Pegasus développé par NSO Group pour "
    "attaquer la société civile."
)
ARABIC_PEGASUS = (
    "ووثقت منظمة العفو الدولية ومنظمات أخرى الاستخدام الممنهج لبرنامج التجسس بيغاسوس "
    "الذي طورته مجموعة إن إس أو لمهاجمة المجتمع المدني، ومنهم الناشط أحمد منصور."
)
ARABIC_TAGLINE = "موقع إخباري يهتم بفضائح و انتهاكات دولة الامارات"


@cache
def report() -> str:
    """The NSO report (French on an Arabic site), or its Pegasus sentence when absent."""
    return REPORT.read_text(encoding="utf-8") if REPORT.exists() else FRENCH_PEGASUS


@cache
def ntrex() -> dict[str, dict[str, dict[str, str]]]:
    """story → language → record (title, body) of the NTREX set; empty when absent."""
    stories: dict[str, dict[str, dict[str, str]]] = {}
    if NTREX.exists():
        for line in NTREX.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            stories.setdefault(record["story"], {})[record["lang"]] = record
    return stories
