"""GraphiQL served from the service itself: its page and every file it loads come from this
process (the built files of the `graphene-django-graphiql-static` package, pinned), so the
console works on a machine without internet access."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

ASSETS_PATH = "/graphiql"
_PACKAGE = "graphene_django_graphiql_static"
# The files the page loads, in order: React first, GraphiQL, then its explorer plugin and the
# graphql-ws client used for subscriptions.
SCRIPTS = (
    "fetch.umd.js",
    "react.production.min.js",
    "react-dom.production.min.js",
    "graphiql.min.js",
    "graphql-ws.min.js",
    "graphiql-plugin-explorer.umd.js",
)
STYLES = ("graphiql.min.css", "style.css")


def assets_folder() -> Path:
    return Path(str(files(_PACKAGE))) / "static" / _PACKAGE


def routes() -> list[Mount]:
    return [Mount(ASSETS_PATH, app=StaticFiles(directory=assets_folder()), name="graphiql")]


def page_html() -> str:
    """The console. `#query=…&headers=…` (JSON) fill its editors, so a link can carry a query
    and a token without sending them to the server; headers typed in the page are kept by the
    browser only."""
    styles = "\n".join(f'<link rel="stylesheet" href="{ASSETS_PATH}/{name}">' for name in STYLES)
    scripts = "\n".join(f'<script src="{ASSETS_PATH}/{name}"></script>' for name in SCRIPTS)
    return _PAGE.replace("{styles}", styles).replace("{scripts}", scripts)


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Contacts GraphQL</title>
<style>html, body, #graphiql { height: 100%; margin: 0; overflow: hidden; width: 100%; }</style>
{styles}
{scripts}
</head>
<body>
<div id="graphiql">Loading…</div>
<script>
  // In the fragment: a GET of /graphql?query=… runs the query instead of showing the page.
  const params = new URLSearchParams(window.location.hash.slice(1));
  const url = window.location.origin + window.location.pathname;
  const subscriptionUrl = url.replace(/^http/, "ws");
  const wsClient = window.graphqlWs
    ? graphqlWs.createClient({ url: subscriptionUrl, lazy: true })
    : undefined;
  const fetcher = GraphiQL.createFetcher({ url, subscriptionUrl, wsClient });
  function Console() {
    const [query, setQuery] = React.useState(params.get("query") || undefined);
    const explorer = GraphiQLPluginExplorer.useExplorerPlugin({ query, onEdit: setQuery });
    return React.createElement(GraphiQL, {
      fetcher,
      query,
      onEditQuery: setQuery,
      plugins: [explorer],
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
      headers: params.get("headers") || undefined,
    });
  }
  ReactDOM.render(React.createElement(Console), document.getElementById("graphiql"));
</script>
</body>
</html>
"""
