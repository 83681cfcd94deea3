"""Micro-benchmark: normalize 100,000 phone numbers in mixed national and international forms.

Run: .venv/bin/python bench/phone_parse.py
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from normalize.errors import InvalidValue
from normalize.phones import normalize_phone

COUNT = 100_000
US_AREA_CODES = ("202", "206", "212", "213", "305", "312", "404", "415", "512", "617", "702", "713")
RW_MOBILE_PREFIXES = ("72", "73", "78", "79")

Sample = tuple[str, str]


def us_number(rng: random.Random) -> tuple[str, str, str]:
    area = rng.choice(US_AREA_CODES)
    return area, f"{rng.randint(200, 999)}", f"{rng.randint(0, 9999):04d}"


def rw_number(rng: random.Random) -> tuple[str, str, str]:
    prefix = rng.choice(RW_MOBILE_PREFIXES)
    return (
        prefix + str(rng.randint(0, 9)),
        f"{rng.randint(0, 999):03d}",
        f"{rng.randint(0, 999):03d}",
    )


def us_parenthesized(rng: random.Random) -> Sample:
    area, exchange, line = us_number(rng)
    return f"({area}) {exchange}-{line}", "US"


def us_dotted(rng: random.Random) -> Sample:
    area, exchange, line = us_number(rng)
    return f"{area}.{exchange}.{line}", "US"


def us_international(rng: random.Random) -> Sample:
    area, exchange, line = us_number(rng)
    return f"+1 {area}-{exchange}-{line}", "RW"


def rw_national(rng: random.Random) -> Sample:
    first, second, third = rw_number(rng)
    return f"0{first} {second} {third}", "RW"


def rw_international(rng: random.Random) -> Sample:
    return "+250" + "".join(rw_number(rng)), "US"


def rw_double_zero(rng: random.Random) -> Sample:
    first, second, third = rw_number(rng)
    return f"00 250 {first} {second} {third}", "US"


def rw_without_plus_in_us(rng: random.Random) -> Sample:
    return "250" + "".join(rw_number(rng)), "US"


def too_short(rng: random.Random) -> Sample:
    return f"({rng.choice(US_AREA_CODES)}) {rng.randint(10, 99)}", "US"


# Roughly what an import sees: mostly well-formed numbers, some fallbacks, a few refusals.
GENERATORS: tuple[tuple[Callable[[random.Random], Sample], int], ...] = (
    (us_parenthesized, 20),
    (us_dotted, 15),
    (us_international, 15),
    (rw_national, 20),
    (rw_international, 15),
    (rw_double_zero, 5),
    (rw_without_plus_in_us, 5),
    (too_short, 5),
)


def generate(count: int, seed: int = 20_200_127) -> list[Sample]:
    rng = random.Random(seed)
    makers = [maker for maker, _ in GENERATORS]
    weights = [weight for _, weight in GENERATORS]
    return [rng.choices(makers, weights)[0](rng) for _ in range(count)]


def normalize_all(samples: list[Sample]) -> tuple[int, int]:
    accepted = refused = 0
    for raw, country in samples:
        try:
            normalize_phone(raw, country=country)
        except InvalidValue:
            refused += 1
        else:
            accepted += 1
    return accepted, refused


def main() -> None:
    samples = generate(COUNT)
    normalize_all(samples[:1_000])  # load phone metadata before timing
    started = time.perf_counter()
    accepted, refused = normalize_all(samples)
    elapsed = time.perf_counter() - started
    print(f"{COUNT:,} numbers in {elapsed:.2f} s: {COUNT / elapsed:,.0f} numbers/s on one core")
    print(f"accepted {accepted:,}, refused {refused:,}")


if __name__ == "__main__":
    main()
