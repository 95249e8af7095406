"""`caeser import …` and `caeser data list --own | forget`: the report a person reads, exit codes, scoping."""
from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable

import pytest

from bots.commands import data as data_command
from memory.settings import Settings, get_settings
from tests.bots.commands.runner import run_command
from tests.memory.imports import fixtures

import_command = importlib.import_module("bots.commands.import")  # `import` is a keyword: the module is named for the command
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    monkeypatch.setenv("CAESER_HOME", str(settings.home))
    monkeypatch.setenv("CAESER_USER", f"marketer-{uuid.uuid4().hex[:8]}")  # unique owner: the Postgres pass shares one database
    if settings.database_url:
        monkeypatch.setenv("CAESER_DATABASE_URL", settings.database_url)
    else:
        monkeypatch.delenv("CAESER_DATABASE_URL", raising=False)
    get_settings.cache_clear()

    def _run(command: str, *argv: str) -> tuple[int, str, str]:
        return run_command(import_command if command == "import" else data_command, command, argv, capsys)

    return _run


def test_shopify_import_report_then_list_and_forget(run: Run, tmp_path, monkeypatch):
    facts = fixtures.shopify_orders(tmp_path / "shop_orders.csv")
    rc, out, _ = run("import", "sales", str(tmp_path / "shop_orders.csv"), "--format", "shopify", "--errors", str(tmp_path / "bad.txt"))
    assert rc == 0
    assert f"line {facts['malformed_line']}: column 'Lineitem quantity' (units): 'two' is not a number" in out
    assert "EUR" in out and "GBP" in out and "never converted" in out and "2025-01-06 to 2025-05-25" in out
    assert (tmp_path / "bad.txt").read_text().startswith(f"line {facts['malformed_line']}:")
    rc, again, _ = run("import", "sales", str(tmp_path / "shop_orders.csv"), "--format", "shopify")
    assert rc == 0 and "imported 0 new" in again
    rc, listed, _ = run("data", "list", "--own")
    assert rc == 0 and "shop orders" in listed and "EUR,GBP" in listed
    monkeypatch.setenv("CAESER_USER", "someone-else")
    assert "no imports for cli:someone-else" in run("data", "list", "--own")[1]
    assert run("data", "forget", "shop", "orders")[0] == 2  # not theirs


def test_unreadable_source_exits_2_with_the_place_to_look(run: Run, tmp_path):
    (tmp_path / "orders.csv").write_bytes(b"date,sku,units\n2025-01-01,caf\xe9,1\n")
    rc, out, err = run("import", "sales", str(tmp_path / "orders.csv"))
    assert rc == 2 and out == "" and "orders.csv line 2, column 'sku'" in err and "--encoding" in err


def test_forget_by_name(run: Run, tmp_path):
    fixtures.survey_csv(tmp_path / "q3_survey.csv", n=20)
    assert run("import", "survey", str(tmp_path / "q3_survey.csv"))[0] == 0
    rc, out, _ = run("data", "forget", "our", "Q3", "survey")
    assert rc == 0 and out.startswith("forgot survey 'q3 survey' (20 rows)")
    assert "no imports" in run("data", "list", "--own")[1]
