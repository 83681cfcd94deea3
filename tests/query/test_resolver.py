from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

import pytest

from models.enums import DateFormat, FieldType
from normalize.urns import Scheme
from query.ast import Operator
from query.attributes import Attribute
from query.environment import FieldInfo, QueryEnvironment
from query.errors import ErrorCode, QueryError
from query.parser import parse
from query.resolved import (
    AttributeCondition,
    FieldCondition,
    ResolvedCombination,
    ResolvedNode,
    UrnCondition,
    to_syntax,
)
from query.resolver import resolve
from query.values import (
    DayValue,
    FlagValue,
    GroupValue,
    NamePrefixes,
    NoValue,
    NumberValue,
    Substring,
    TextValue,
    UrnValue,
    UuidValue,
    Value,
)
from tests.query.support import AGE, CITY, DOB, NAME_FIELD, TEL_FIELD, TESTERS, VIP, environment

EQ, NEQ, HAS, GT = Operator.EQ, Operator.NEQ, Operator.CONTAINS, Operator.GT


def read(text: str, env: QueryEnvironment | None = None) -> ResolvedNode:
    return resolve(parse(text), env or environment())


def error(text: str, env: QueryEnvironment | None = None) -> QueryError:
    with pytest.raises(QueryError) as caught:
        read(text, env)
    return caught.value


def value_of(text: str, env: QueryEnvironment | None = None) -> Value:
    condition = read(text, env)
    assert not isinstance(condition, ResolvedCombination)
    return condition.value


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


class TestAttributes:
    def test_uuid_reads_any_case(self) -> None:
        written = "0B7AC5D6-8BD1-4A0E-9B11-3A4B8B8C1F0E"
        assert read(f"uuid = {written}") == AttributeCondition(
            Attribute.UUID, EQ, UuidValue(UUID(written))
        )

    def test_id_is_a_whole_number(self) -> None:
        assert read("id != 42") == AttributeCondition(
            Attribute.ID, NEQ, NumberValue(Decimal(42), "42")
        )

    @pytest.mark.parametrize("attribute", ["name", "company", "job_title", "country", "state"])
    def test_text_attributes_keep_the_value_without_surrounding_spaces(
        self, attribute: str
    ) -> None:
        assert read(f'{attribute} = " Acme Ltd "') == AttributeCondition(
            Attribute(attribute), EQ, TextValue("Acme Ltd")
        )

    def test_name_contains_becomes_word_prefixes_of_at_most_eight_characters(self) -> None:
        assert read('name ~ "Christopher O\'Neil-Smith j"') == AttributeCondition(
            Attribute.NAME,
            HAS,
            NamePrefixes("Christopher O'Neil-Smith j", ("christop", "neil", "smith")),
        )

    def test_status_and_language_are_lowercased(self) -> None:
        assert read("status = Blocked") == AttributeCondition(
            Attribute.STATUS, EQ, TextValue("blocked")
        )
        assert read("language != ENG") == AttributeCondition(
            Attribute.LANGUAGE, NEQ, TextValue("eng")
        )

    def test_groups_and_flags_are_found_by_name_in_any_case(self) -> None:
        assert read("group = tEsTeRs") == AttributeCondition(
            Attribute.GROUP, EQ, GroupValue(TESTERS)
        )
        assert read("flag != vip") == AttributeCondition(Attribute.FLAG, NEQ, FlagValue(VIP))

    def test_in_no_group_and_without_flags(self) -> None:
        assert read('group = ""') == AttributeCondition(Attribute.GROUP, EQ, NoValue())
        assert read('flag != ""') == AttributeCondition(Attribute.FLAG, NEQ, NoValue())

    def test_last_seen_on_may_be_empty(self) -> None:
        assert read('last_seen_on = ""') == AttributeCondition(
            Attribute.LAST_SEEN_ON, EQ, NoValue()
        )

    def test_datetime_attributes_read_a_local_day(self) -> None:
        assert read("created_on > 27-01-2020") == AttributeCondition(
            Attribute.CREATED_ON,
            GT,
            DayValue(date(2020, 1, 27), utc(2020, 1, 27), utc(2020, 1, 28), "27-01-2020"),
        )


class TestAddresses:
    def test_scheme_values_are_normalized_to_the_stored_path(self) -> None:
        assert read('tel = "(202) 555-0143"') == UrnCondition(
            Scheme.TEL, EQ, UrnValue("+12025550143")
        )
        assert read("mailto = Ann@Example.COM") == UrnCondition(
            Scheme.MAILTO, EQ, UrnValue("ann@example.com")
        )

    def test_phone_and_email_name_the_tel_and_mailto_addresses(self) -> None:
        assert read('phone = "(202) 555-0143"') == read('tel = "(202) 555-0143"')
        assert read("urns.email = Ann@Example.COM") == UrnCondition(
            Scheme.MAILTO, EQ, UrnValue("ann@example.com")
        )
        assert to_syntax(read("email ~ example")) == parse('urns.mailto ~ "example"')

    def test_a_field_named_phone_or_email_keeps_its_name(self) -> None:
        email = FieldInfo(UUID(int=0xE), "email", "Email", FieldType.TEXT, 106)
        env = environment(fields=(email,))
        assert read("email = x", env) == read("fields.email = x", env)
        assert isinstance(read("urns.email = a@b.co", env), UrnCondition)

    def test_national_numbers_read_in_the_workspace_country(self) -> None:
        assert read("tel = 0788383383", environment(country="RW")) == UrnCondition(
            Scheme.TEL, EQ, UrnValue("+250788383383")
        )

    def test_an_unreadable_address_is_kept_as_written_and_matches_nothing(self) -> None:
        assert read("tel = abc") == UrnCondition(Scheme.TEL, EQ, UrnValue("abc"))

    def test_phone_substrings_drop_spaces_dashes_dots_and_parentheses(self) -> None:
        assert read('tel ~ "(202) 555-01"') == UrnCondition(Scheme.TEL, HAS, Substring("20255501"))
        assert read("mailto ~ ann.b") == UrnCondition(Scheme.MAILTO, HAS, Substring("ann.b"))

    def test_urn_means_any_scheme_unless_the_value_names_one(self) -> None:
        assert read("urn = +12025550143") == UrnCondition(None, EQ, UrnValue("+12025550143"))
        assert read("urn = tel:2025550143") == UrnCondition(
            None, EQ, UrnValue("+12025550143", Scheme.TEL)
        )
        assert read("urn ~ exam") == UrnCondition(None, HAS, Substring("exam"))
        assert read('urn = ""') == UrnCondition(None, EQ, NoValue())

    def test_every_supported_scheme_is_a_property(self) -> None:
        for scheme in Scheme:
            assert read(f'{scheme} != ""') == UrnCondition(scheme, NEQ, NoValue())


class TestFields:
    def test_each_field_type_reads_its_value(self) -> None:
        assert read("City = Kigali") == FieldCondition(CITY, EQ, TextValue("Kigali"))
        assert read("age >= 18.50") == FieldCondition(
            AGE, Operator.GTE, NumberValue(Decimal("18.50"), "18.50")
        )
        assert read("dob < 2020-01-27") == FieldCondition(
            DOB,
            Operator.LT,
            DayValue(date(2020, 1, 27), utc(2020, 1, 27), utc(2020, 1, 28), "27-01-2020"),
        )

    def test_fields_may_be_checked_for_a_value(self) -> None:
        assert read('age = ""') == FieldCondition(AGE, EQ, NoValue())
        assert read('fields.city != ""') == FieldCondition(CITY, NEQ, NoValue())

    def test_attributes_come_before_schemes_which_come_before_fields(self) -> None:
        assert read("name = x") == AttributeCondition(Attribute.NAME, EQ, TextValue("x"))
        assert read("tel = abc") == UrnCondition(Scheme.TEL, EQ, UrnValue("abc"))
        assert read("fields.name = x") == FieldCondition(NAME_FIELD, EQ, TextValue("x"))
        assert read("fields.tel = x") == FieldCondition(TEL_FIELD, EQ, TextValue("x"))


class TestDates:
    @pytest.mark.parametrize("written", ["02-03-2020", "02/03/2020", "02.03.2020", "2-3-2020"])
    def test_day_first(self, written: str) -> None:
        value = value_of(f"dob = {written}")
        assert value == DayValue(date(2020, 3, 2), utc(2020, 3, 2), utc(2020, 3, 3), "02-03-2020")

    def test_month_first(self) -> None:
        env = environment(date_format=DateFormat.MONTH_FIRST)
        value = value_of("dob = 02/03/2020", env)
        assert value == DayValue(date(2020, 2, 3), utc(2020, 2, 3), utc(2020, 2, 4), "02-03-2020")

    def test_the_day_is_local_to_the_workspace(self) -> None:
        env = environment(timezone="Africa/Kigali")
        value = value_of("created_on = 27-01-2020", env)
        assert value == DayValue(
            date(2020, 1, 27), utc(2020, 1, 26, 22), utc(2020, 1, 27, 22), "27-01-2020"
        )

    def test_a_day_with_a_daylight_saving_change_is_23_hours_long(self) -> None:
        env = environment(timezone="America/New_York", date_format=DateFormat.MONTH_FIRST)
        value = value_of("created_on = 03-08-2020", env)
        assert value == DayValue(
            date(2020, 3, 8), utc(2020, 3, 8, 5), utc(2020, 3, 9, 4), "03-08-2020"
        )


class TestErrors:
    def test_unknown_property(self) -> None:
        assert error("agee = 5").extra == {"property": "agee"}
        assert error("fields.status = x").extra == {"property": "fields.status"}
        assert error("urns.city = x").extra == {"property": "urns.city"}
        assert error("agee = 5").code is ErrorCode.UNKNOWN_PROPERTY

    @pytest.mark.parametrize(
        "prop", ["city", "status", "age", "dob", "uuid", "id", "group", "flag", "created_on"]
    )
    def test_contains_only_on_name_and_addresses(self, prop: str) -> None:
        raised = error(f"{prop} ~ abc")
        assert (raised.code, raised.extra) == (ErrorCode.UNSUPPORTED_CONTAINS, {"property": prop})

    @pytest.mark.parametrize(
        ("prop", "operator"),
        [("name", ">"), ("city", ">="), ("id", "<"), ("uuid", "<="), ("tel", ">"), ("group", ">")],
    )
    def test_comparisons_only_on_numbers_and_dates(self, prop: str, operator: str) -> None:
        raised = error(f"{prop} {operator} 5")
        assert raised.code is ErrorCode.UNSUPPORTED_COMPARISON
        assert raised.extra == {"property": prop, "operator": operator}

    @pytest.mark.parametrize("prop", ["uuid", "id", "status", "created_on", "modified_on"])
    @pytest.mark.parametrize("operator", ["=", "!="])
    def test_no_empty_checks_on_values_every_contact_has(self, prop: str, operator: str) -> None:
        raised = error(f'{prop} {operator} ""')
        assert raised.code is ErrorCode.UNSUPPORTED_SETCHECK
        assert raised.extra == {"property": prop, "operator": operator}

    def test_empty_check_message_reads_for_every_property(self) -> None:
        assert error('id = ""').message == (
            'Every contact has a value for id, so it can\'t be compared with "".'
        )

    @pytest.mark.parametrize("value", ['"a"', '"a b"', '""', '"--"'])
    def test_partial_names_need_a_word_of_two_characters(self, value: str) -> None:
        raised = error(f"name ~ {value}")
        assert raised.code is ErrorCode.INVALID_PARTIAL_NAME
        assert raised.extra == {"property": "name", "value": value.strip('"'), "minimum": "2"}

    @pytest.mark.parametrize(("prop", "value"), [("tel", "12"), ("tel", "1-2"), ("urn", "ab")])
    def test_partial_addresses_need_three_characters(self, prop: str, value: str) -> None:
        raised = error(f'{prop} ~ "{value}"')
        assert raised.code is ErrorCode.INVALID_PARTIAL_URN
        assert raised.extra == {"property": prop, "value": value, "minimum": "3"}

    @pytest.mark.parametrize(
        "text",
        [
            "age = abc",
            "age > 1e10",
            "age < 1.2.3",
            "age = " + "1" * 37,
            "age > 2" + "0" * 100,
            "id = 1.5",
            "id = 0",
            "id = 9223372036854775808",
        ],
    )
    def test_invalid_numbers(self, text: str) -> None:
        raised = error(text)
        assert raised.code is ErrorCode.INVALID_NUMBER
        assert raised.extra == {"property": text.split()[0], "value": text.split()[2]}

    def test_invalid_number_message_says_why(self) -> None:
        assert error("age > 1e10").message == (
            'age: "1e10" uses scientific notation: write the number out in full'
        )

    @pytest.mark.parametrize(
        "text", ["dob = 2020", "created_on > 31-02-2020", "dob = 27-01-20", "last_seen_on < x"]
    )
    def test_invalid_dates(self, text: str) -> None:
        raised = error(text)
        assert raised.code is ErrorCode.INVALID_DATE
        assert raised.extra == {"property": text.split()[0], "value": text.split()[2]}

    def test_the_last_representable_day_cannot_be_searched(self) -> None:
        assert error("dob = 31-12-9999").code is ErrorCode.INVALID_DATE

    def test_invalid_uuid(self) -> None:
        raised = error("uuid = 1234")
        assert (raised.code, raised.extra) == (
            ErrorCode.INVALID_UUID,
            {"property": "uuid", "value": "1234"},
        )

    @pytest.mark.parametrize(
        ("text", "code"),
        [
            ("status = deleted", ErrorCode.INVALID_STATUS),
            ("language = klingonese", ErrorCode.INVALID_LANGUAGE),
            ("group = nobody", ErrorCode.INVALID_GROUP),
            ("flag = gold", ErrorCode.INVALID_FLAG),
        ],
    )
    def test_invalid_choices(self, text: str, code: ErrorCode) -> None:
        raised = error(text)
        assert (raised.code, raised.extra) == (
            code,
            {"property": text.split()[0], "value": text.split()[2]},
        )

    def test_group_message(self) -> None:
        assert error("group = nobody").message == (
            'group: "nobody" is not the name of a group in this workspace'
        )


class TestAnonymousWorkspaces:
    @pytest.mark.parametrize(
        "text", ["tel = +12025550143", "urns.mailto ~ ann", "urn ~ 0788", "tel > 5"]
    )
    def test_address_conditions_are_refused(self, text: str) -> None:
        raised = error(text, environment(anonymous=True))
        assert raised.code is ErrorCode.REDACTED_URNS
        assert raised.extra == {"property": text.split()[0]}

    @pytest.mark.parametrize("text", ["0788", "+0123456566"])
    def test_a_bare_value_that_looks_like_an_address_searches_names(self, text: str) -> None:
        assert read(text, environment(anonymous=True)) == read(f'name ~ "{text}"')

    @pytest.mark.parametrize("text", ['tel = ""', 'urns.mailto != ""', 'urn = ""'])
    def test_having_an_address_may_still_be_checked(self, text: str) -> None:
        assert isinstance(read(text, environment(anonymous=True)), UrnCondition)

    def test_other_properties_still_work(self) -> None:
        assert read("name ~ bob", environment(anonymous=True)) == AttributeCondition(
            Attribute.NAME, HAS, NamePrefixes("bob", ("bob",))
        )
