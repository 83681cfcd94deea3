"""The quote that keeps CSV cells from running as formulas, in Python and in SQL alike."""

from __future__ import annotations

import pytest

from core.settings import Settings
from core.sql import sql
from services.imports.formulas import needs_quote, quoted, sql_quoted, unquoted

VALUES = {
    '=HYPERLINK("http://x","y")': True,
    "+cmd|' /C calc'!A0": True,
    "@SUM(A1:A2)": True,
    "-2+3": True,
    "+1+cmd|' /C calc'!A0": True,
    "\tx": True,
    "\rx": True,
    "'=x": True,
    "''-5": True,
    "'-5": True,
    "-- Ann --": True,
    "+250 788 383 383": True,
    "-": True,
    "+250788383383": False,
    "-5": False,
    "-2.5": False,
    "3,5": False,
    "42": False,
    "Ann": False,
    "'quoted'": False,
    "a=b": False,
    "": False,
}


@pytest.mark.parametrize(("value", "quote"), VALUES.items())
def test_a_cell_that_would_run_as_a_formula_is_quoted_and_reads_back_as_typed(
    value: str, quote: bool
) -> None:
    assert needs_quote(value) is quote
    assert quoted(value) == ("'" + value if quote else value)
    assert unquoted(quoted(value)) == value


def test_a_file_quoted_by_another_tool_for_every_such_cell_reads_as_typed() -> None:
    assert [unquoted(v) for v in ["'-5", "'+250788383383", "'=x", "'Tis", "'"]] == [
        "-5", "+250788383383", "=x", "'Tis", "'",
    ]  # fmt: skip


async def test_the_sql_rule_is_the_python_rule(settings: Settings) -> None:
    values = [*VALUES, None]
    rendered = await sql().fetch(
        f"SELECT {sql_quoted('v')} AS q FROM unnest($1::text[]) WITH ORDINALITY AS t(v, n) "
        "ORDER BY n",
        values,
    )
    assert [r["q"] for r in rendered] == [*(quoted(v) for v in VALUES), None]
