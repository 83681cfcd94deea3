"""Each domain keeps the SQL it sends in its `statements.py`: a statement written anywhere
else in the service fails here, so a change to a table is found in one module per domain."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKED = ["services", "api", "web", "cli", "workers"]
# Generic: the table and columns are the caller's.
ALLOWED = {Path("services/keyset.py")}

STATEMENT = re.compile(
    r"""^\s*(
        SELECT\b.*\bFROM\b
      | INSERT\s+INTO\b
      | UPDATE\s+\w+(\s+(AS\s+)?\w+)?\s+SET\b
      | DELETE\s+FROM\b
      | WITH\s+(RECURSIVE\s+)?\w+(\s*\([^)]*\))?\s+AS\b
      | (LOCK|TRUNCATE|ANALYZE|VACUUM)\s+\w+
      | COPY\s+\w+(\s*\(|\s+(FROM|TO)\b)
      | SET\s+LOCAL\b
      | SELECT\s+(pg_|set_config|nextval|count|exists)
    )""",
    re.IGNORECASE | re.DOTALL | re.VERBOSE,
)


def _texts(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append((node.lineno, node.value))
        elif isinstance(node, ast.JoinedStr):
            text = "".join(
                v.value if isinstance(v, ast.Constant) else "{}"
                for v in node.values
                if isinstance(v, ast.Constant | ast.FormattedValue)
            )
            found.append((node.lineno, text))
    return found


def _modules() -> list[Path]:
    return sorted(
        p.relative_to(ROOT)
        for package in CHECKED
        for p in (ROOT / package).rglob("*.py")
        if p.name != "statements.py" and p.relative_to(ROOT) not in ALLOWED
    )


@pytest.mark.parametrize("module", _modules(), ids=str)
def test_no_statement_outside_its_domains_statements_module(module: Path) -> None:
    tree = ast.parse((ROOT / module).read_text(), filename=str(module))
    strays = [
        f"{module}:{line}: {text.strip()[:60]}"
        for line, text in _texts(tree)
        if STATEMENT.match(text)
    ]
    assert not strays, "\n".join(strays)


def test_the_check_recognises_statements() -> None:
    for text in [
        "SELECT id FROM flag",
        "\n  insert into contact_flag (a) values ($1)",
        "UPDATE contact c SET modified_on = now()",
        "DELETE FROM flag WHERE id = $1",
        "WITH changed AS (SELECT 1) SELECT 1",
        "SELECT pg_advisory_xact_lock($1)",
        "COPY import_row (a, b) FROM STDIN",
    ]:
        assert STATEMENT.match(text), text
    for text in [
        "Select the contacts to archive.",
        "Update contacts that rows match",
        "With care",
        "copy to staging",
    ]:
        assert not STATEMENT.match(text), text
