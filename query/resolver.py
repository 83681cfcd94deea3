"""Looks up each property of a syntax tree in a workspace and checks and converts its value."""

from __future__ import annotations

from models.enums import FieldType
from normalize.urns import Scheme
from query import operator_rules as rules
from query import readers
from query.ast import Condition, Node, Operator, Prefix, Property
from query.attributes import ALWAYS_SET, DATETIME_ATTRIBUTES, Attribute
from query.environment import FieldInfo, QueryEnvironment
from query.errors import ErrorCode, QueryError
from query.parser import bare_name_condition
from query.resolved import (
    AttributeCondition,
    FieldCondition,
    ResolvedCombination,
    ResolvedCondition,
    ResolvedNode,
    UrnCondition,
)
from query.values import NoValue, TextValue, Value

Target = Attribute | Scheme | FieldInfo

_SCHEMES = {scheme.value: scheme for scheme in Scheme}
# The names the import template and most people give these addresses; a field of the
# workspace with the same key keeps its name, and `urns.phone` always means the address.
_SCHEME_ALIASES = {"phone": Scheme.TEL, "email": Scheme.MAILTO}
_ATTRIBUTES = {attribute.value: attribute for attribute in Attribute}


def resolve(node: Node, env: QueryEnvironment) -> ResolvedNode:
    if isinstance(node, Condition):
        return resolve_condition(node, env)
    return ResolvedCombination(node.op, tuple(resolve(child, env) for child in node.children))


def resolve_condition(condition: Condition, env: QueryEnvironment) -> ResolvedCondition:
    if condition.implicit and env.anonymous:
        # Addresses are hidden: a bare value that merely looks like one searches names, as any
        # other bare value does.
        return resolve_condition(bare_name_condition(condition.value), env)
    target = lookup(condition.property, env)
    prop = str(condition.property)
    value = condition.value.strip()
    if isinstance(target, FieldInfo):
        return _field_condition(prop, target, condition.operator, value, env)
    if isinstance(target, Scheme):
        return _urn_condition(prop, target, condition.operator, value, env)
    if target is Attribute.URN:
        return _urn_condition(prop, None, condition.operator, value, env)
    return _attribute_condition(prop, target, condition.operator, value, env)


def lookup(prop: Property, env: QueryEnvironment) -> Target:
    """Built-in attributes first, then address schemes, then field keys, then `phone` and
    `email` for the tel and mailto addresses."""
    name = prop.name
    found: Target | None
    if prop.prefix is Prefix.FIELDS:
        found = env.fields.get(name)
    elif prop.prefix is Prefix.URNS:
        found = _SCHEMES.get(name) or _SCHEME_ALIASES.get(name)
    else:
        found = (
            _ATTRIBUTES.get(name)
            or _SCHEMES.get(name)
            or env.fields.get(name)
            or _SCHEME_ALIASES.get(name)
        )
    if found is None:
        raise QueryError(
            ErrorCode.UNKNOWN_PROPERTY,
            f"{prop} is not a contact attribute, address scheme or field of this workspace.",
            {"property": str(prop)},
        )
    return found


def _field_condition(
    prop: str, field: FieldInfo, operator: Operator, value: str, env: QueryEnvironment
) -> FieldCondition:
    allowed = rules.TEXT if field.value_type is FieldType.TEXT else rules.ORDERED
    rules.check_operator(prop, operator, value, allowed)
    resolved: Value
    if rules.is_setcheck(operator, value):
        resolved = NoValue()
    elif field.value_type is FieldType.NUMBER:
        resolved = readers.read_number(prop, value)
    elif field.value_type is FieldType.DATETIME:
        resolved = readers.read_day(prop, value, env)
    else:
        resolved = TextValue(value)
    return FieldCondition(field, operator, resolved)


def _urn_condition(
    prop: str, scheme: Scheme | None, operator: Operator, value: str, env: QueryEnvironment
) -> UrnCondition:
    setcheck = rules.is_setcheck(operator, value)
    if env.anonymous and not setcheck:
        raise rules.refuse_redacted(prop)
    rules.check_operator(prop, operator, value, rules.CONTAINS)
    resolved: Value
    if setcheck:
        resolved = NoValue()
    elif operator is Operator.CONTAINS:
        resolved = readers.read_urn_substring(prop, value, scheme)
    else:
        resolved = readers.read_urn(value, scheme, env)
    return UrnCondition(scheme, operator, resolved)


def _attribute_condition(
    prop: str, attribute: Attribute, operator: Operator, value: str, env: QueryEnvironment
) -> AttributeCondition:
    rules.check_operator(prop, operator, value, _allowed(attribute))
    resolved: Value = NoValue()
    if not rules.is_setcheck(operator, value):
        resolved = _attribute_value(prop, attribute, operator, value, env)
    return AttributeCondition(attribute, operator, resolved)


def _allowed(attribute: Attribute) -> rules.Allowed:
    if attribute is Attribute.NAME:
        return rules.CONTAINS
    if attribute in DATETIME_ATTRIBUTES:
        return rules.ORDERED_ALWAYS_SET if attribute in ALWAYS_SET else rules.ORDERED
    if attribute in ALWAYS_SET:
        return rules.EQUALITY_ALWAYS_SET
    return rules.TEXT


def _attribute_value(
    prop: str, attribute: Attribute, operator: Operator, value: str, env: QueryEnvironment
) -> Value:
    match attribute:
        case Attribute.NAME if operator is Operator.CONTAINS:
            return readers.read_name_prefixes(prop, value)
        case Attribute.UUID:
            return readers.read_uuid(prop, value)
        case Attribute.ID:
            return readers.read_id(prop, value)
        case Attribute.STATUS:
            return readers.read_status(prop, value)
        case Attribute.LANGUAGE:
            return readers.read_language(prop, value)
        case Attribute.GROUP:
            return readers.read_group(prop, value, env)
        case Attribute.FLAG:
            return readers.read_flag(prop, value, env)
        case _ if attribute in DATETIME_ATTRIBUTES:
            return readers.read_day(prop, value, env)
        case _:
            return TextValue(value)
