"""The import file limits through GraphQL: a zip bomb and a file past the workspace's largest
import end their import failed, with the limit named in `failure`."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.api.imports.test_imports import IMPORT, started, upload
from tests.conftest import RunWorker
from tests.factories import create_session, data_of, gql, gql_call
from tests.services.imports.bombs import inline_cell_bomb
from tests.services.imports.wiring import files_root, transfer_client

__all__ = ["files_root", "transfer_client"]


async def test_a_zip_bomb_upload_ends_failed_naming_the_cell_limit(
    transfer_client: httpx.AsyncClient, run_worker: RunWorker, tmp_path: Path
) -> None:
    session = await create_session()
    bomb = inline_cell_bomb(tmp_path / "bomb.xlsx", 64).read_bytes()
    result = started(await upload(transfer_client, session, bomb, name="bomb.xlsx"))

    await run_worker()
    done = data_of(
        await gql_call(transfer_client, session, IMPORT, id=result["import"]["id"], first=1)
    )["import"]

    assert done["status"] == "FAILED"
    assert done["failure"].startswith("A cell of the XLSX workbook has more than 32,767 characters")
    assert "IMPORT_MAX_CELL_CHARACTERS" in done["failure"]
    assert done["validationJob"] == {"status": "FAILED"}
    assert done["errors"]["totalCount"] == 0


async def test_a_file_past_the_workspace_rows_ends_failed_and_the_limit_is_shown(
    transfer_client: httpx.AsyncClient, run_worker: RunWorker
) -> None:
    session = await create_session()
    session.workspace.max_import_rows = 3
    await session.workspace.save(update_fields=["max_import_rows"])
    shown = data_of(await gql(transfer_client, session, "{ me { workspace { maxImportRows } } }"))
    assert shown == {"me": {"workspace": {"maxImportRows": 3}}}
    text = "name\n" + "".join(f"P{i}\n" for i in range(1, 6))
    result = started(await upload(transfer_client, session, text.encode()))

    await run_worker()
    done = data_of(
        await gql_call(transfer_client, session, IMPORT, id=result["import"]["id"], first=1)
    )["import"]

    assert done["status"] == "FAILED"
    assert done["failure"].startswith("The file has more than 3 rows after its header")
    assert done["errors"]["totalCount"] == 0
