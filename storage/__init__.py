"""Storage: SQLAlchemy entities (one module each), queries and Alembic migrations.

Importing any storage module registers every entity, so relationships between them resolve
whichever module a caller imports first.
"""

import storage.models  # noqa: F401
