"""Bylines become clean names: no "By", no dates, several people split, junk dropped."""

from __future__ import annotations

import pytest

from aggregator.extraction.authors import clean_authors


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        (["By Jane Doe on Feb 3, 2021"], ["Jane Doe"]),
        (["Par Jean Dupont et Marie Curie, publié le 3 février"], ["Jean Dupont", "Marie Curie"]),
        (["John Le Carré"], ["John Le Carré"]),
        (["بقلم محمد علي"], ["محمد علي"]),
        (["By JOHN SMITH and Ana López | Updated 10:05"], ["JOHN SMITH", "Ana López"]),
        (["Por María García y Luis Pérez"], ["María García", "Luis Pérez"]),
        (["Von Anna Schmidt und Jonas Weber"], ["Anna Schmidt", "Jonas Weber"]),
        (["Reporting: Tom Becker"], ["Tom Becker"]),
        (["jane@paper.example", "Staff", "admin", "https://paper.example/author/x"], []),
        (["Reuters", "Reuters"], ["Reuters"]),
        (["Le Courrier"], []),  # the site itself
        (["Publié par Jean Dupont"], ["Jean Dupont"]),
        (["Eingestellt von Anna Schmidt"], ["Anna Schmidt"]),
        (["Publicado por María García"], ["María García"]),
        (["Scritto da Marco Rossi"], ["Marco Rossi"]),
        (["More Posts", "By and", "View all posts"], []),
        (["Editorial", "Editorial Team", "Staff Writer", "La rédaction", "Redaktion"], []),
        (["فريق التحرير", "هيئة التحرير"], []),
        (["Jane Doe, Staff Writer"], ["Jane Doe"]),
        (["Juan De La Cruz"], ["Juan De La Cruz"]),
        (["記者 山田太郎"], ["山田太郎"]),
        (["JERUSALEM POST STAFF NOVEMBER 19, 2019 10:05"], ["JERUSALEM POST STAFF"]),
        (["Emiliano Bellini", "More articles from Emiliano Bellini"], ["Emiliano Bellini"]),
        (["By Tom Rogan and", "and Caroline Ghosn", "November"], ["Tom Rogan", "Caroline Ghosn"]),
    ],
)
def test_clean_authors(raw: list[str], names: list[str]) -> None:
    assert clean_authors(raw, site_name="Le Courrier") == names


def test_the_outlet_is_not_an_author() -> None:
    """The publisher or the host, however it is spelled, says who published, not who wrote."""
    assert clean_authors(["Al Jazeera", "Ali Ahmed"], outlets=["aljazeera"]) == ["Ali Ahmed"]
    assert clean_authors(["AL-JAZEERA"], "Al Jazeera English", ["Al Jazeera"]) == []
