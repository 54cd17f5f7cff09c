"""Watch terms: the pure matcher (:mod:`.matcher`) and alias proposals (:mod:`.aliases`).

Storage of watches, aliases and hits is :mod:`storage.watches`; both modules here take plain
text and return plain values, so the store pipeline, the backfill, the CLI and the tests
share them.
"""
