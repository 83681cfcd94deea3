"""Property: a stored phone number reads back as itself, for numbers of many countries written
the ways people write them, read in many workspaces' countries."""

from __future__ import annotations

from datetime import timedelta

import phonenumbers
from hypothesis import example, given, settings
from hypothesis import strategies as st

from normalize.errors import InvalidValue
from normalize.phones import normalize_phone

REGIONS = sorted(phonenumbers.SUPPORTED_REGIONS)
SEPARATORS = st.sampled_from(["", " ", "-", ".", "  "])


@st.composite
def written_numbers(draw: st.DrawFn) -> str:
    """Digits as a person or a spreadsheet writes them: national or international, with or
    without +, 00 or the trunk prefix, grouped by spaces, dashes or dots."""
    region = draw(st.sampled_from(REGIONS))
    code = str(phonenumbers.country_code_for_region(region))
    length = draw(st.integers(min_value=4, max_value=14))
    digits = draw(st.text(alphabet="0123456789", min_size=length, max_size=length))
    form = draw(st.sampled_from(["national", "trunk", "plus", "bare_code", "00"]))
    body = {
        "national": digits,
        "trunk": "0" + digits,
        "plus": f"+{code}{digits}",
        "bare_code": f"{code}{digits}",
        "00": f"00{code}{digits}",
    }[form]
    sep = draw(SEPARATORS)
    cut = draw(st.integers(min_value=1, max_value=max(1, len(body) - 1)))
    return body[:cut] + sep + body[cut:]


@settings(max_examples=400, deadline=timedelta(seconds=1), derandomize=True)
@given(written=written_numbers(), country=st.sampled_from(REGIONS))
@example(written="087043843093", country="KR")
@example(written="090883344803", country="BR")
@example(written="+810000000977123456", country="CD")
@example(written="62877747666", country="ID")
@example(written="0000000", country="AT")  # found by this test: +43000000, then +4300000
def test_a_stored_number_reads_back_as_itself(written: str, country: str) -> None:
    try:
        stored = normalize_phone(written, country=country)
    except InvalidValue:
        return
    assert normalize_phone(stored, country=country) == stored
    assert stored.startswith("+") and stored[1:].isdigit()
