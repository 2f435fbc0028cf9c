"""`schemalint server` end to end: a real client (pytest-lsp) over stdio."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.conftest import codes, open_file, replace_all, wait_until

pytestmark = pytest.mark.asyncio

DJANGO = "app_django/apps/options/models.py"
SQLALCHEMY = "src/database/models.py"
SQL = "scripts/database/schema.sql"


async def test_diagnostics_on_open_for_the_file_and_its_mirrors(client: LanguageClient, project: Path):
    open_file(client, project / SQLALCHEMY)
    await wait_until(lambda: codes(client, project / SQLALCHEMY) and codes(client, project / SQL))
    assert codes(client, project / SQLALCHEMY) == [(85, "SL204"), (103, "SL301"), (144, "SL103"), (194, "SL207")]
    # schema.sql is not open: its findings are published all the same.
    assert (30, "SL203") in codes(client, project / SQL)

    nullability = next(d for d in client.diagnostics[(project / SQLALCHEMY).as_uri()] if d.code == "SL204")
    assert nullability.source == "schemalint"
    assert nullability.severity == types.DiagnosticSeverity.Error
    line = (project / SQLALCHEMY).read_text().splitlines()[84]
    assert nullability.range.start == types.Position(84, 4)
    assert nullability.range.end.line == 84 and nullability.range.end.character in (
        len(line.rstrip()),  # the rest of the line, when the reader knows no end
        len(line),
    )
    (related,) = nullability.related_information or []
    assert related.location.uri == (project / DJANGO).as_uri()
    assert related.location.range.start.line == 37  # models.py:38, the Django field
