import pytest

from normalize.errors import InvalidValue
from normalize.urns import MAX_PATH_LENGTH, Scheme, format_urn, normalize_path, parse_urn


def path(scheme: Scheme, raw: str) -> str:
    return normalize_path(scheme, raw, country="US")


def refusal(scheme: Scheme, raw: str) -> str:
    with pytest.raises(InvalidValue) as caught:
        path(scheme, raw)
    assert caught.value.value == raw
    return str(caught.value)


def test_scheme_values() -> None:
    assert [scheme.value for scheme in Scheme][:5] == [
        "tel",
        "mailto",
        "whatsapp",
        "telegram",
        "ext",
    ]


@pytest.mark.parametrize("scheme", list(Scheme))
def test_every_scheme_refuses_an_empty_path(scheme: Scheme) -> None:
    assert refusal(scheme, "  ") == f'"  " is empty: a {scheme} URN needs a path'


@pytest.mark.parametrize("scheme", list(Scheme))
def test_every_scheme_refuses_paths_over_255_characters(scheme: Scheme) -> None:
    raw = "1" * (MAX_PATH_LENGTH + 1)
    with pytest.raises(InvalidValue, match="is longer than 255 characters"):
        path(scheme, raw)


def test_paths_of_255_characters_are_kept() -> None:
    assert path(Scheme.EXT, "a" * 255) == "a" * 255


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("Bob@Example.COM", "bob@example.com"),
        ("  bob.smith+tag@mail.example.org ", "bob.smith+tag@mail.example.org"),
    ],
)
def test_email_addresses_are_trimmed_and_lowercased(raw: str, stored: str) -> None:
    assert path(Scheme.MAILTO, raw) == stored


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("bob smith@example.com", "it contains spaces"),
        ("bob.example.com", "it needs exactly one @"),
        ("bob@@example.com", "it needs exactly one @"),
        ("@example.com", "nothing comes before the @"),
        ("bob@localhost", "the part after the @ must be a domain such as example.com"),
        ("bob@example.", "the part after the @ must be a domain such as example.com"),
        ("bob@.com", "the part after the @ must be a domain such as example.com"),
        ("bob@", "the part after the @ must be a domain such as example.com"),
    ],
)
def test_bad_email_addresses_are_refused(raw: str, problem: str) -> None:
    assert refusal(Scheme.MAILTO, raw) == f'"{raw}" is not an email address: {problem}'


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("+250 788-383-383", "250788383383"),
        ("250788383383", "250788383383"),
        ("12345", "12345"),
        ("123456789012345", "123456789012345"),
    ],
)
def test_whatsapp_ids_are_digits(raw: str, stored: str) -> None:
    assert path(Scheme.WHATSAPP, raw) == stored


@pytest.mark.parametrize("raw", ["(250) 788", "25078838338a", "++250788383383", "250.788"])
def test_whatsapp_refuses_other_characters(raw: str) -> None:
    assert refusal(Scheme.WHATSAPP, raw) == (
        f'"{raw}" is not a WhatsApp id: use the number\'s digits (+, spaces and dashes are allowed)'
    )


@pytest.mark.parametrize("raw", ["1234", "1234567890123456"])
def test_whatsapp_refuses_wrong_lengths(raw: str) -> None:
    assert (
        refusal(Scheme.WHATSAPP, raw)
        == f'"{raw}" is not a WhatsApp id: it must have 5 to 15 digits'
    )


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("123456789", "123456789"),
        ("@Bob_Smith", "bob_smith"),
        ("bobby", "bobby"),
        ("a" + "b" * 31, "a" + "b" * 31),
    ],
)
def test_telegram_chat_ids_and_usernames(raw: str, stored: str) -> None:
    assert path(Scheme.TELEGRAM, raw) == stored


@pytest.mark.parametrize(
    "raw", ["bob", "@bob", "a" * 33, "bob-smith", "_bobby", "@12345", "bób_smith"]
)
def test_telegram_refuses_other_usernames(raw: str) -> None:
    assert refusal(Scheme.TELEGRAM, raw) == (
        f'"{raw}" is not a Telegram id: use a numeric chat id, or a username of 5 to 32 '
        "letters, digits and underscores that starts with a letter"
    )


@pytest.mark.parametrize("scheme", [Scheme.EXT, Scheme.FACEBOOK, Scheme.TWITTER, Scheme.LINE])
def test_other_schemes_are_trimmed_and_keep_their_case(scheme: Scheme) -> None:
    assert path(scheme, "  Abc-123_X  ") == "Abc-123_X"


def test_other_schemes_refuse_inner_whitespace() -> None:
    assert refusal(Scheme.EXT, "abc 123") == (
        '"abc 123" contains spaces, which an identifier cannot have'
    )


def test_parse_urn_reads_scheme_in_any_case_and_normalizes_the_path() -> None:
    assert parse_urn("TEL:(202) 555-0143", country="US") == (Scheme.TEL, "+12025550143")
    assert parse_urn(" Mailto:Bob@Example.com", country="US") == (Scheme.MAILTO, "bob@example.com")
    assert parse_urn("ext:abc:def", country="US") == (Scheme.EXT, "abc:def")


def test_parse_urn_uses_the_country_for_national_numbers() -> None:
    assert parse_urn("tel:0788 383 383", country="RW") == (Scheme.TEL, "+250788383383")


def test_parse_urn_refuses_unknown_schemes_by_name() -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_urn("fax:12345", country="US")
    assert str(caught.value) == (
        '"fax:12345" has an unknown scheme "fax": use one of tel, mailto, whatsapp, telegram, '
        "ext, facebook, instagram, viber, line, twitter"
    )


def test_parse_urn_refuses_text_without_a_scheme() -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_urn("12025550143", country="US")
    assert str(caught.value) == (
        '"12025550143" is not a URN: write it as scheme:path, e.g. tel:+12025550143'
    )


def test_parse_urn_passes_on_path_refusals() -> None:
    with pytest.raises(InvalidValue, match='"bob" is not an email address'):
        parse_urn("mailto:bob", country="US")


def test_format_urn() -> None:
    assert format_urn(Scheme.TEL, "+12025550143") == "tel:+12025550143"
    assert format_urn(Scheme.TELEGRAM, "bob_smith") == "telegram:bob_smith"


@pytest.mark.parametrize(
    ("scheme", "raw", "stored"),
    [
        (Scheme.MAILTO, " MAILTO:Ann@Example.com", "ann@example.com"),
        (Scheme.TEL, "tel:+1 202 555 0143", "+12025550143"),
        (Scheme.TWITTER, "twitter:annsmith", "annsmith"),
        (Scheme.EXT, "ext:ext:7", "ext:7"),
    ],
)
def test_a_path_written_as_a_urn_of_its_own_scheme_is_read_as_its_path(
    scheme: Scheme, raw: str, stored: str
) -> None:
    assert normalize_path(scheme, raw, country="US") == stored


def test_a_path_written_as_a_urn_is_refused_as_written() -> None:
    assert refusal(Scheme.MAILTO, "mailto:") == '"mailto:" is empty: a mailto URN needs a path'
    assert refusal(Scheme.MAILTO, "mailto:bob") == (
        '"mailto:bob" is not an email address: it needs exactly one @'
    )
