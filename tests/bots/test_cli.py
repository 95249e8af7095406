"""Every sub-command's help renders (a stray % in a docstring once broke `caeser eval --help`)."""
from __future__ import annotations

import pytest

from bots.cli import build_parser


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
