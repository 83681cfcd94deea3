"""Every table of the schema has one Tortoise model, and each model knows its table's columns."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from tortoise import Tortoise
from tortoise.models import Model

from core.database import APP_LABEL
from core.sql import sql
from models import ContactFlag, ContactImport, ContactSearch, DownloadLink, ImportRow, Usage
from models.enums import FieldType
from services.fields.definitions import create_field
from tests.factories import create_contact, create_session

pytestmark = pytest.mark.usefixtures("settings")  # the session's database

# Tortoise's record of applied migrations: the migration runner's table, not ours.
NOT_OURS = {"tortoise_migrations"}


async def _tables() -> dict[str, dict[str, bool]]:
    """Each table of the public schema: its columns and whether they accept null."""
    rows = await sql().fetch(
        """
        SELECT c.table_name, c.column_name, c.is_nullable = 'YES' AS nullable
        FROM information_schema.columns c
        JOIN information_schema.tables t
          ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
        """
    )
    tables: dict[str, dict[str, bool]] = defaultdict(dict)
    for r in rows:
        if r["table_name"] not in NOT_OURS:
            tables[r["table_name"]][r["column_name"]] = r["nullable"]
    return dict(tables)


async def _first_key_columns() -> dict[str, str]:
    rows = await sql().fetch(
        """
        SELECT k.table_name, k.column_name
        FROM information_schema.table_constraints c
        JOIN information_schema.key_column_usage k
          ON k.constraint_schema = c.constraint_schema AND k.constraint_name = c.constraint_name
        WHERE c.table_schema = 'public' AND c.constraint_type = 'PRIMARY KEY'
          AND k.ordinal_position = 1
        """
    )
    return {r["table_name"]: r["column_name"] for r in rows}


def _models() -> list[type[Model]]:
    apps = Tortoise.apps
    assert apps is not None
    return list(apps.apps[APP_LABEL].values())


def _columns(model: type[Model]) -> dict[str, bool]:
    meta = model._meta
    return {
        column: meta.fields_map[name].null for name, column in meta.fields_db_projection.items()
    }


async def test_every_table_has_exactly_one_model() -> None:
    tables = await _tables()
    models_of: dict[str, list[str]] = defaultdict(list)
    for model in _models():
        models_of[model._meta.db_table].append(model.__name__)
    assert {t: models_of[t] for t in sorted(tables) if len(models_of[t]) != 1} == {}
    assert sorted(set(models_of) - set(tables)) == []  # models of no table


async def test_each_model_has_its_tables_columns_and_their_nullability() -> None:
    tables = await _tables()
    first_keys = await _first_key_columns()
    for model in _models():
        table = model._meta.db_table
        assert _columns(model) == tables[table], model.__name__
        # A composite key is declared by its first column.
        assert model._meta.db_pk_column == first_keys[table], model.__name__


async def test_the_new_models_write_and_read_their_rows() -> None:
    session = await create_session()
    workspace_id = session.workspace.id
    staged = await ContactImport.create(
        workspace_id=workspace_id,
        uuid=uuid4(),
        file_name="people.csv",
        file_format="csv",
        file_path="imports/people.csv",
        file_size=12,
        options={"mode": "create"},
        created_by_id=session.caller.member.id,
    )
    row = await ImportRow.create(
        import_id=staged.id,
        row_number=1,
        action="create",
        urns=["tel:+250788383383"],
        field_values={"nick": {"text": "Annie"}},
    )
    assert row.contact_id > 0 and row.contact_uuid is not None  # the database's defaults
    assert await ImportRow.filter(import_id=staged.id).values(
        "row_number", "action", "urns", "field_values", "flags"
    ) == [
        {
            "row_number": 1,
            "action": "create",
            "urns": ["tel:+250788383383"],
            "field_values": {"nick": {"text": "Annie"}},
            "flags": None,
        }
    ]
    link = await DownloadLink.create(
        workspace_id=workspace_id,
        token_hash="a" * 64,
        member_id=session.caller.member.id,
        contact_import_id=staged.id,
        expires_on=datetime.now(UTC) + timedelta(hours=1),
    )
    assert await sql().fetchrow(
        "SELECT import_id, export_id FROM download_link WHERE id = $1", link.id
    ) == (staged.id, None)

    field = await create_field(session.caller, name="Nick", value_type=FieldType.TEXT)
    usage = await Usage.create(
        workspace_id=workspace_id,
        consumer_kind="campaign",
        consumer_ref="c-1",
        consumer_name="Spring",
        field_id=field.id,
    )
    assert (await Usage.get(id=usage.id)).group_id is None

    ann = await create_contact(session, "Ann", flags=["VIP"])
    (flagged,) = await ContactFlag.filter(contact_id=ann.id).values("workspace_id", "flag__name")
    assert flagged == {"workspace_id": workspace_id, "flag__name": "VIP"}
    search = await ContactSearch.get(contact_id=ann.id)
    assert (search.workspace_id, search.status.value) == (workspace_id, "active")
