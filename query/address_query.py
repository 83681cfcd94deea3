"""A query that is nothing but one address, or one complete phone number, means exactly it."""

from __future__ import annotations

import re

from normalize.errors import InvalidValue
from normalize.urns import Scheme, parse_urn, read_complete_phone
from query.ast import Condition, Operator, Prefix, Property

_ADDRESS = re.compile(r"[A-Za-z]+:\S+")
_PHONE = re.compile(r"\+?[0-9 ().-]+")
_SCHEMES = {scheme.value for scheme in Scheme}


def read_address_query(text: str, *, country: str) -> Condition | None:
    written = text.strip()
    if _ADDRESS.fullmatch(written):
        try:
            scheme, path = parse_urn(written, country=country)
        except InvalidValue:
            # An address of a known scheme that does not read (`tel:+0123`) still means that
            # address, as written: it matches what was stored so, or nothing.
            prefix, _, as_written = written.partition(":")
            if prefix.lower() not in _SCHEMES:
                return None
            return _exactly(Scheme(prefix.lower()), as_written)
        return _exactly(scheme, path)
    if _PHONE.fullmatch(written):
        phone = read_complete_phone(written, country=country)
        return _exactly(Scheme.TEL, phone) if phone else None
    return None


def _exactly(scheme: Scheme, path: str) -> Condition:
    return Condition(Property(scheme.value, Prefix.URNS), Operator.EQ, path, implicit=True)
