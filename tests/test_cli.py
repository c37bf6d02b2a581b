"""The command-line conventions shared by every command (DESIGN.md §6)."""

import cli


def test_cli_unknown_command_is_one_line_exit_2(capsys):
    assert cli.main(["no-such-command"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: command line: ")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_cli_internal_fault_is_exit_1_without_traceback(monkeypatch, capsys):
    def boom(args):
        raise RuntimeError("kaput")

    monkeypatch.setattr(cli, "build_parser", lambda: _FakeParser(boom))
    assert cli.main([]) == 1
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: kaput" in err and "Traceback" not in err


class _FakeParser:
    def __init__(self, run):
        self._run = run

    def parse_args(self, argv):
        return type("A", (), {"_run": staticmethod(self._run)})()


def test_cli_unwritable_output_is_one_line_exit_2(tmp_path, capsys):
    target = tmp_path / "missing-folder" / "out.json"
    assert cli.main(["projects", "list", "--db", f"sqlite:///{tmp_path / 'x.db'}", "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "out.json" in err
