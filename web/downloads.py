"""File downloads over HTTP: the import template, and expiring links to export files and
import error files (minted by the GraphQL API, see services/exports/links.py)."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from services.errors import NotFound
from services.exports.links import LinkRefusal, open_link
from services.exports.retention import export_file
from services.exports.starting import get_export_by_id
from services.imports.error_file import error_file, error_file_name
from services.imports.queries import template_columns, template_csv
from services.imports.records import FileFormat
from services.imports.storage import FileExpired
from services.imports.store import get_import_by_id
from web.auth import authenticate_request

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REFUSALS = {
    LinkRefusal.UNKNOWN: (404, "No such download link."),
    LinkRefusal.EXPIRED: (410, "This download link has expired; ask for a new one."),
    LinkRefusal.FORBIDDEN: (403, "This download link's owner may no longer download this file."),
}


def _attachment(name: str) -> dict[str, str]:
    safe = re.sub(r"[^A-Za-z0-9._ -]", "_", name) or "download"
    return {"Content-Disposition": f'attachment; filename="{safe}"'}


def _problem(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _file_problem(exc: FileExpired | NotFound) -> JSONResponse:
    """Gone for good (410, as for an expired link) or not there (404)."""
    return _problem(410 if isinstance(exc, FileExpired) else 404, exc.message)


async def contacts_template(request: Request) -> Response:
    """Our columns; with a bearer token, the workspace's custom fields too."""
    auth = await authenticate_request(request)
    if auth.refusal:
        response = _problem(401, auth.refusal)
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    workspace_id = auth.caller.workspace_id if auth.caller else None
    body = template_csv(await template_columns(workspace_id))
    return Response(body, media_type=CSV_TYPE, headers=_attachment("contacts.csv"))


async def download(request: Request) -> Response:
    target = await open_link(request.path_params["token"])
    if isinstance(target, LinkRefusal):
        return _problem(*REFUSALS[target])
    if target.export_id is not None:
        export = await get_export_by_id(target.export_id)
        try:
            path = export_file(export)
        except (FileExpired, NotFound) as exc:
            return _file_problem(exc)
        media = CSV_TYPE if export.file_format is FileFormat.CSV else XLSX_TYPE
        return FileResponse(path, media_type=media, headers=_attachment(export.file_name))
    assert target.import_id is not None
    record = await get_import_by_id(target.import_id)
    try:
        pieces = await error_file(record)
    except (FileExpired, NotFound) as exc:
        return _file_problem(exc)
    headers = _attachment(error_file_name(record))
    return StreamingResponse(pieces, media_type=CSV_TYPE, headers=headers)


ROUTES = [
    Route("/templates/contacts.csv", contacts_template, methods=["GET"]),
    Route("/downloads/{token}", download, methods=["GET"]),
]
