import pytest

from normalize.errors import InvalidValue
from normalize.languages import REASON, normalize_language


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("eng", "eng"),
        (" ENG ", "eng"),
        ("en", "eng"),
        ("English", "eng"),
        ("fra", "fra"),
        ("fr", "fra"),
        ("fre", "fra"),  # ISO 639-2/B
        ("french", "fra"),
        ("Kinyarwanda", "kin"),
        ("rw", "kin"),
        ("Swahili", "swa"),
        ("sw", "swa"),
        ("de", "deu"),
        ("ger", "deu"),
        ("Spanish", "spa"),
        ("zh", "zho"),
    ],
)
def test_codes_and_english_names_read_as_iso_639_3(written: str, code: str) -> None:
    assert normalize_language(written) == code


def test_every_iso_639_3_code_reads_as_itself() -> None:
    import pycountry

    for language in pycountry.languages:
        assert normalize_language(language.alpha_3) == language.alpha_3


@pytest.mark.parametrize("text", ["xyz", "", "englishh", "Klingonese"])
def test_other_text_is_refused_with_what_was_written(text: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        normalize_language(text)
    assert str(caught.value) == f'"{text}" {REASON}'
