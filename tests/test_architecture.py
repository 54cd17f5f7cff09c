"""The shape of the house, checked: storage/ is the only part that speaks SQL.

docs/architecture.md: "storage/ is the only place that writes SQL or imports SQLAlchemy;
every other part calls its functions." Both checks read the code with ``ast``, so comments
and docstrings that talk about the database do not count, and an import inside a function
does.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import storage.models
from storage.job_store import JOBS_TABLE

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ("aggregator", "scheduler")  # everything but storage/ (and its migrations)
DATABASE_LIBRARIES = {"sqlalchemy", "alembic"}
# Files allowed to break a rule, with the reason. Keep it empty: move the query to storage/.
ALLOWED: frozenset[str] = frozenset()

TABLES = {*storage.models.Base.metadata.tables, "article_search", JOBS_TABLE}
# A table name right after an SQL keyword: "SELECT ... FROM crawl_runs", "INSERT INTO articles".
RAW_SQL = re.compile(
    r"\b(?:from|join|into|update|table)\s+[\"`]?(" + "|".join(sorted(TABLES)) + r")\b",
    re.IGNORECASE,
)


def python_files() -> Iterator[tuple[str, ast.Module]]:
    for part in CHECKED:
        for path in sorted((ROOT / part).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if name not in ALLOWED:
                yield name, ast.parse(path.read_text(encoding="utf-8"), name)


def database_imports(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, module) of every import of a database library in ``tree``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        else:
            continue
        for module in modules:
            if module.partition(".")[0] in DATABASE_LIBRARIES:
                yield node.lineno, module


def docstrings(tree: ast.Module) -> set[int]:
    """Ids of the string nodes that are docstrings (prose, not SQL)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def raw_sql(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, table) of every string that names a table after an SQL keyword."""
    skip = docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            match = RAW_SQL.search(node.value)
            if match:
                yield node.lineno, match.group(1)


def offences(find: Callable[[ast.Module], Iterator[tuple[int, str]]], what: str) -> str:
    """One line per place ``find`` reports in the checked files: ``file:line what detail``."""
    return "\n".join(
        f"{name}:{line} {what} {detail}"
        for name, tree in python_files()
        for line, detail in find(tree)
    )


def test_only_storage_imports_sqlalchemy_or_alembic() -> None:
    found = offences(database_imports, "imports")
    assert not found, (
        "only storage/ may import SQLAlchemy or Alembic; call (or add) a function of the "
        "storage module of the table instead:\n" + found
    )


def test_no_raw_sql_outside_storage() -> None:
    found = offences(raw_sql, "has SQL on table")
    assert not found, (
        "SQL text belongs in storage/; move the statement into the storage module of the "
        "table:\n" + found
    )


def test_the_checks_see_what_they_look_for() -> None:
    tree = ast.parse(
        '"""Reads crawl_runs from the database."""\n'
        "def f():\n"
        "    from sqlalchemy.orm import Session\n"
        "    import alembic.command\n"
        "    return 'SELECT id FROM crawl_runs', 'INSERT INTO \"articles\" (url) VALUES (?)'\n"
    )
    assert [m for _, m in database_imports(tree)] == ["sqlalchemy.orm", "alembic.command"]
    assert [t for _, t in raw_sql(tree)] == ["crawl_runs", "articles"]
