"""Properties of the query language, over generated text: any text is either read or refused
with a QueryError (never another exception), and the canonical form of a query that is read
reads back to itself and compiles to the same SQL."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from normalize.urns import Scheme
from query.api import ParsedQuery, parse_query
from query.attributes import Attribute
from query.errors import QueryError
from query.lexer import WORD_PUNCTUATION
from query.limits import MAX_CONDITIONS, MAX_DEPTH
from query.parser import parse
from tests.query.support import environment

ENV = environment()
ANONYMOUS = environment(anonymous=True)
PROPERTY_TESTS = settings(
    max_examples=300,
    deadline=timedelta(seconds=1),
    database=None,  # nothing written in the worktree; a failure prints its example
    suppress_health_check=[HealthCheck.too_slow],
)

FIELD_KEYS = [*(key for key in ENV.fields), "unknown", "colour_2"]
PROPERTIES = st.one_of(
    st.sampled_from([a.value for a in Attribute]),
    st.sampled_from([s.value for s in Scheme]),
    st.sampled_from(FIELD_KEYS),
    st.sampled_from([f"fields.{key}" for key in FIELD_KEYS]),
    st.sampled_from([f"urns.{s.value}" for s in Scheme] + ["urns.pigeon", "other.name"]),
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True),
).map(lambda name: name.upper() if len(name) % 3 == 0 else name)
OPERATORS = st.sampled_from(["=", "!=", "~", ">", ">=", "<", "<=", "is", "has", "IS", "Has"])
WORD_CHARS = st.characters(
    codec="utf-8",
    categories=["L", "N"],
    include_characters="".join(WORD_PUNCTUATION),
)
WORDS = st.one_of(
    st.text(WORD_CHARS, min_size=1, max_size=12),
    st.from_regex(r"-?[0-9]{1,4}(\.[0-9]{1,3})?", fullmatch=True),
    st.from_regex(r"[0-9]{1,2}-[0-9]{1,2}-[0-9]{2,4}", fullmatch=True),
    st.sampled_from(
        ["active", "Archived", "BLOCKED", "stopped", "eng", "fra", "testers", "Adults", "vip"]
    ),
    st.sampled_from(["0788383383", "+250788383383", "ann@example.com", "x_y%z"]),
).filter(lambda word: word.lower() not in {"and", "or", "is", "has"})
ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=20)


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


VALUES = st.one_of(WORDS, WORDS.map(quoted), ANY_TEXT.map(quoted))
CONDITIONS = st.one_of(
    st.builds(lambda p, o, v: f"{p} {o} {v}", PROPERTIES, OPERATORS, VALUES),
    st.builds(lambda p, o, v: f"{p}{o}{v}", PROPERTIES, st.sampled_from(["=", "!=", "~"]), VALUES),
    VALUES,  # a bare value searches names or phone numbers
)
JOINS = st.sampled_from([" AND ", " and ", " OR ", " or ", " "])


def _combined(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pieces = st.lists(st.tuples(JOINS, children), min_size=1, max_size=3)
    return st.builds(
        lambda first, rest: first + "".join(join + child for join, child in rest), children, pieces
    ) | children.map(lambda child: f"({child})")


QUERIES = st.recursive(CONDITIONS, _combined, max_leaves=12)


def nested(levels: int, inner: str = "ab cd OR ef") -> str:
    """`levels` parentheses, AND and OR in turn; the printer adds one around `inner`'s AND."""
    text = inner
    for level in range(levels):
        text = f"xa{level} ({text})" if level % 2 == 0 else f"xo{level} OR ({text})"
    return text


# Near the limits: many conditions written short, and parentheses nested near MAX_DEPTH.
LONG_WORDS = " ".join(["abcdefghijklmnopqrstuvwxyz0123456789"] * 250)
DEEP = nested(100)
BIG_QUERIES = st.one_of(
    # a few words repeated: drawing hundreds one by one made each example slow
    st.builds(
        lambda words, count: " ".join((words * MAX_CONDITIONS)[:count]),
        st.lists(st.one_of(WORDS, st.text(WORD_CHARS, min_size=20, max_size=40)), min_size=1),
        st.integers(150, MAX_CONDITIONS),
    ),
    st.integers(MAX_DEPTH - 3, MAX_DEPTH + 1).map(nested),
)


def read(text: str, env: object = ENV) -> ParsedQuery | QueryError:
    """The query, or the QueryError refusing it; any other exception fails the test."""
    try:
        return parse_query(text, ENV if env is ENV else ANONYMOUS)
    except QueryError as exc:
        return exc


def check_canonical(text: str) -> None:
    for env in (ENV, ANONYMOUS):
        first = read(text, env)
        if isinstance(first, QueryError):
            continue
        canonical = first.canonical
        again = read(canonical, env)
        assert isinstance(again, ParsedQuery), (canonical, again)
        assert again.canonical == canonical
        assert again.to_sql(2) == first.to_sql(2)
        if first.reads_search_only:
            assert again.reads_search_only
            assert again.to_search_sql(2) == first.to_search_sql(2)


@PROPERTY_TESTS
@given(st.text(st.characters(codec="utf-8"), max_size=60))
@example("")
@example('name = "unclosed')
@example("((((age > 1")
@example("\x00")
def test_any_text_is_read_or_refused_with_a_query_error(text: str) -> None:
    try:
        parse(text)
    except QueryError:
        pass
    for env in (ENV, ANONYMOUS):
        result = read(text, env)
        if isinstance(result, ParsedQuery):
            result.to_sql(1)


@PROPERTY_TESTS
@given(QUERIES)
def test_generated_queries_are_read_or_refused_with_a_query_error(text: str) -> None:
    for env in (ENV, ANONYMOUS):
        result = read(text, env)
        if isinstance(result, ParsedQuery):
            result.to_sql(1)


@PROPERTY_TESTS
@given(QUERIES)
@example('name = "say \\"hi\\"" OR (age > 18.50 city ~ kig)')
@example(LONG_WORDS)  # found: its canonical form was longer than the query length limit
@example(DEEP)  # found: its canonical form nested one level deeper than the depth limit
@example("group = testers or flag != vip")
def test_the_canonical_form_reads_back_to_itself_and_the_same_sql(text: str) -> None:
    check_canonical(text)


@PROPERTY_TESTS
@given(st.text(st.characters(codec="utf-8"), max_size=40))
def test_the_canonical_form_of_any_text_that_is_read_reads_back_to_itself(text: str) -> None:
    check_canonical(text)


@settings(PROPERTY_TESTS, max_examples=60)
@given(BIG_QUERIES)
def test_the_canonical_form_of_a_query_near_the_limits_reads_back(text: str) -> None:
    check_canonical(text)


def test_a_query_whose_canonical_form_breaks_a_limit_is_refused_as_too_complex() -> None:
    """Else a smart group could keep a query it cannot read again."""
    assert len(LONG_WORDS) < 10_000
    long = read(LONG_WORDS)
    assert isinstance(long, QueryError) and long.extra == {"reason": "length", "limit": "10000"}
    assert long.message == "Written out in full, the query is longer than 10,000 characters."
    deep = read(DEEP)
    assert isinstance(deep, QueryError) and deep.extra == {"reason": "depth", "limit": "100"}
    assert isinstance(read(nested(MAX_DEPTH - 1)), ParsedQuery)
