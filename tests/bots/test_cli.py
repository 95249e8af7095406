"""Every sub-command's help renders (a stray % in a docstring once broke `caeser eval --help`)."""
from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bots.cli import build_parser, main


@pytest.mark.parametrize("argv", [["--help"], ["eval", "--help"], ["serve", "--help"], ["data", "--help"], ["chat", "--help"], ["build", "--help"]])
def test_help_renders(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(argv)
    assert exit_.value.code == 0
    assert "usage: caeser" in capsys.readouterr().out


def test_every_design_eval_and_front_end_is_wired() -> None:
    help_text = build_parser().format_help()
    assert "chat" in help_text
    evals = build_parser()._subparsers._group_actions[0].choices["eval"].format_help()  # type: ignore[union-attr]
    for name in ("routing", "sentiment", "forecast", "autosuggest", "affinity", "personas"):
        assert name in evals


def test_the_process_command_line_freezes_the_heap_in_process_calls_do_not() -> None:
    before = gc.get_freeze_count()
    assert main(["data", "list"]) == 0
    assert gc.get_freeze_count() == before  # a test's collector is left alone
    code = "\n".join(["import gc, sys", "sys.argv = ['caeser', 'data', 'list']", "from bots.cli import main",
                      "assert main() == 0 and gc.get_freeze_count() > 0, gc.get_freeze_count()"])
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2], capture_output=True)


def test_an_unusable_home_is_a_one_line_error_not_a_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "home"
    blocker.write_text("not a folder")
    env = {**os.environ, "CAESER_HOME": str(blocker), "CAESER_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "bots.cli", "chat", "--once", "hi"], cwd=Path(__file__).resolve().parents[2], env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"CAESER_HOME={blocker}" in done.stderr and "file of that name is in the way" in done.stderr
    assert blocker.read_text() == "not a folder"  # nothing overwritten
