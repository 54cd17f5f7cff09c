"""Fingerprints of article text for duplicate detection, pure (no database).

``text`` folds case, accents and Arabic spelling variants (also used by full-text search);
``fingerprint`` turns a body into an exact hash plus a MinHash signature and its LSH bands.
Storage (``storage/ingest.py``, ``storage/near_duplicates.py``) matches fingerprints against
stored articles.
"""
