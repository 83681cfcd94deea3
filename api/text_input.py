"""A NUL character in an argument: PostgreSQL cannot store one in text, so none reaches a
service. `UserErrors` looks for one in every argument of a root field before its resolver runs;
a nested field whose text argument reaches the database takes `RefuseNul` (a top-level error
with code INVALID)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from strawberry.extensions.field_extension import AsyncExtensionResolver, FieldExtension
from strawberry.relay import GlobalID
from strawberry.schema.name_converter import NameConverter
from strawberry.types import Info
from strawberry.types.base import has_object_definition
from strawberry.types.field import StrawberryField

from services.errors import InvalidInput

NUL = "\x00"


def refuse_nul(field: StrawberryField, arguments: Mapping[str, Any], names: NameConverter) -> None:
    """Raises InvalidInput naming the first argument path (`input.mapping.0.column`) whose
    text holds a NUL: a string, a JSON value's key or string, a global ID, an upload's name."""
    by_python_name = {argument.python_name: argument for argument in field.arguments}
    for name, value in arguments.items():
        argument = by_python_name.get(name)
        path = names.from_argument(argument) if argument is not None else name
        at = _nul_at(value, path, names)
        if at is not None:
            for upload in _uploads(arguments.values()):  # its resolver would have closed it
                upload.file.close()
            raise InvalidInput(
                f"`{at}` contains a NUL character (\\u0000), which no text can hold.", field=at
            )


def _nul_at(value: Any, path: str, names: NameConverter) -> str | None:
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, GlobalID):
        return path if NUL in value.type_name or NUL in value.node_id else None
    if isinstance(value, list | tuple):
        return _first(((item, f"{path}.{index}") for index, item in enumerate(value)), names)
    if isinstance(value, dict):  # the JSON scalar
        for key, item in value.items():
            if isinstance(key, str) and NUL in key:
                return path
            at = _nul_at(item, f"{path}.{key}", names)
            if at is not None:
                return at
        return None
    if has_object_definition(value):  # an input object
        fields = value.__strawberry_definition__.fields
        return _first(
            ((getattr(value, f.python_name), f"{path}.{names.from_field(f)}") for f in fields),
            names,
        )
    filename = getattr(value, "filename", None)  # an upload (Starlette's UploadFile)
    if isinstance(filename, str) and NUL in filename:
        return path
    return None


def _uploads(values: Iterable[Any]) -> Iterator[Any]:
    for value in values:
        if isinstance(value, list | tuple):
            yield from _uploads(value)
        elif has_object_definition(value):
            fields = value.__strawberry_definition__.fields
            yield from _uploads(getattr(value, f.python_name) for f in fields)
        elif isinstance(getattr(value, "filename", None), str) and hasattr(value, "file"):
            yield value


def _first(items: Any, names: NameConverter) -> str | None:
    for item, path in items:
        at = _nul_at(item, path, names)
        if at is not None:
            return at
    return None


class RefuseNul(FieldExtension):
    """For an async field below the root: refuses an argument holding a NUL."""

    def apply(self, field: StrawberryField) -> None:
        self.field = field

    async def resolve_async(
        self, next_: AsyncExtensionResolver, source: Any, info: Info, **kwargs: Any
    ) -> Any:
        refuse_nul(self.field, kwargs, info.schema.config.name_converter)
        return await next_(source, info, **kwargs)
