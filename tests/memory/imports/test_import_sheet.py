"""Importing a Google Sheet through the one Sheets client, against the local stand-in."""
from __future__ import annotations

import uuid

import pytest

from memory.imports.readers import ImportFailed, spreadsheet_id
from memory.imports.run import import_source
from memory.owner import Owner
from tests.memory.test_google_sheets import sheets  # noqa: F401  - the stand-in and settings pointing at it


def test_a_sheet_imports_with_bad_rows_by_sheet_row(sheets):
    server, settings = sheets
    server.sheets["plan-sheet-1"] = {"Sales": [["Date", "SKU", "Qty", "Currency"], ["2025-01-01", "A", "2", "EUR"], ["2025-01-02", "A"],
                                               ["2025-01-03", "B", "lots", "EUR"], ["2025-01-03", "B", "1", "EUR"]]}
    owner = Owner.cli(f"sheet-{uuid.uuid4().hex[:8]}")
    url = "https://docs.google.com/spreadsheets/d/plan-sheet-1/edit#gid=0"
    summary = import_source(settings, owner, "sales", url, cells="Sales")
    assert (summary.format, summary.unit, summary.imported, summary.name) == ("sheet", "row", 2, "sheet sales")
    assert [(e.line, e.message) for e in summary.errors] == [(3, "empty column 'Qty' (units)"), (4, "column 'Qty' (units): 'lots' is not a number")]
    assert import_source(settings, owner, "sales", url, cells="Sales").imported == 0  # idempotent
    with pytest.raises(ImportFailed, match="sheet missing-sheet-id 'Sheet1': there is no spreadsheet"):
        import_source(settings, owner, "sales", "missing-sheet-id", fmt="sheet")
    assert spreadsheet_id("https://docs.google.com/spreadsheets/d/1AbC_d-9/edit") == "1AbC_d-9"
