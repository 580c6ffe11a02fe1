import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from alliance.psychometrics.cli import main

from .helpers import line_form, shipped_json, write_definitions

ROOT = Path(__file__).resolve().parents[3]
PHQ9 = ["0", "1", "2", "3", "0", "1", "2", "3", "1"]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_it_scores_answers_given_in_item_order(capsys):
    code, out, err = run(capsys, "score", "phq9", *PHQ9)
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "instrument": "phq9",
        "total": 13,
        "subscales": {},
        "band": "Moderate",
        "flags": ["suicide_risk_item9"],
    }
    assert out.count("\n") == 1


def test_it_scores_answers_given_as_item_value_pairs(capsys):
    pairs = [f"wai_{n}=4" for n in range(12, 0, -1)]
    code, out, _ = run(capsys, "score", "wai-sr", *pairs)
    assert code == 0
    result = json.loads(out)
    assert result["total"] == 48
    assert result["subscales"]["bond"] == {"sum": 16, "mean": 4.0}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["score", "phq9", *PHQ9[:8]], "phq9 has 9 items (phq9_1, phq9_2,"),
        (["score", "phq9", *PHQ9[:8], "0", "0"], "got 10 answers"),
        (["score", "phq9", *PHQ9[:2], "7", *PHQ9[3:]], "phq9_3: 7 is not one of 0, 1, 2, 3"),
        (["score", "phq9", *PHQ9[:8], "x"], "phq9_9: 'x' is not one of 0, 1, 2, 3"),
        (["score", "gad7", "1", "1", "1", "1", "1", "1", "-1"], "gad7_7: -1 is not one of"),
        (["score", "nope", "1"], "unknown instrument 'nope'; known instruments: gad7, phq9"),
        (["score", "phq9", "phq9_10=1"], "phq9_10: unknown item; phq9 items are phq9_1"),
        (["score", "phq9", "phq9_1=1"], "phq9_2: missing; expected one of 0, 1, 2, 3"),
        (["score", "phq9", "phq9_1=1", "2"], "'2': use ITEM=VALUE for every answer, or none"),
        (["score", "phq9", "phq9_1=1", "phq9_1=2"], "phq9_1: answered twice"),
        (["score", "phq9", *PHQ9, "--format", "csv"], "--format applies only with --csv"),
        (["score", "phq9", "1", "--csv", "x.csv"], "give either answers or --csv FILE"),
        (["score", "phq9", "--csv", "no-such-file.csv"], "cannot read no-such-file.csv"),
        (["change", "phq9", "20", "x"], "LAST: 'x' is not a number"),
        (["change", "phq9", "30", "10"], "first: 30 is not a phq9 total (0 to 27)"),
        (["change", "wai-sr", "40", "50"], "wai-sr has no published caseness"),
        (["instruments", "show", "nope"], "unknown instrument 'nope'"),
        (["score"], "the following arguments are required: CODE"),
        (["score", "phq9", "--format", "xml", "--csv", "-"], "invalid choice: 'xml'"),
        ([], "the following arguments are required: COMMAND"),
        (["grade", "phq9"], "invalid choice: 'grade'"),
    ],
)
def test_it_rejects_bad_input_with_status_2_and_nothing_on_stdout(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert message in err


def test_it_names_the_command_in_its_error(capsys):
    _, _, err = run(capsys, "score", "phq9", "1")
    assert err.startswith("alliance score: phq9 has 9 items")


def test_it_states_the_change_on_one_measure_without_calling_it_recovery(capsys):
    code, out, _ = run(capsys, "change", "phq9", "18", "9")
    assert code == 0
    assert json.loads(out) == {
        "change": -9,
        "reliable": "improved",
        "reliable_improvement": True,
        "reliable_deterioration": False,
        "cutoff": 10,
        "in_clinical_range_first": True,
        "in_clinical_range_last": False,
    }


@pytest.mark.parametrize("first", ["18.5", "18.0", "1e1"])
def test_it_refuses_a_total_that_is_not_a_whole_number(capsys, first):
    code, out, err = run(capsys, "change", "phq9", first, "9")
    assert (code, out) == (2, "")
    assert "whole numbers" in err or "not a number" in err


def test_it_gives_a_persons_outcome_over_both_measures(capsys):
    code, out, err = run(capsys, "outcome", "--phq9", "18", "9", "--gad7", "12", "9")
    assert (code, err) == (0, "")
    result = json.loads(out)
    # Depression recovered on its own, anxiety is still at 9 (cut-off 8): not a recovery.
    assert result["caseness_start"] is True and result["caseness_end"] is True
    assert result["recovered"] is False and result["reliable_recovery"] is False
    assert result["reliable_improvement"] is True
    assert result["measures"]["phq9"]["change"] == -9
    assert result["measures"]["gad7"]["in_clinical_range_last"] is True


def test_it_says_recovery_does_not_apply_to_someone_who_was_not_a_case(capsys):
    code, out, _ = run(capsys, "outcome", "--phq9", "5", "2", "--gad7", "3", "2")
    assert code == 0
    result = json.loads(out)
    assert result["recovered"] is None and result["reliable_recovery"] is None


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--phq9", "18", "9"], "--gad7"),
        (["--phq9", "18", "9.5", "--gad7", "12", "5"], "whole numbers"),
        (["--phq9", "18", "9", "--gad7", "22", "5"], "not a gad7 total (0 to 21)"),
        (["--phq9", "18", "x", "--gad7", "12", "5"], "'x' is not a number"),
        (["--phq9", "18", "--gad7", "12", "5"], "--phq9"),
    ],
)
def test_it_refuses_missing_or_impossible_totals(capsys, argv, message):
    code, out, err = run(capsys, "outcome", *argv)
    assert (code, out) == (2, "")
    assert message in err


def test_it_lists_instruments_one_per_line(capsys):
    code, out, _ = run(capsys, "instruments", "list")
    assert code == 0
    lines = [line.split("\t") for line in out.splitlines()]
    assert [line[0] for line in lines] == ["gad7", "phq9", "wai-sr", "wai-sr-predicted"]
    assert lines[1] == ["phq9", "Patient Health Questionnaire-9 (PHQ-9)", "client"]
    assert lines[3][2] == "counselor"


def test_it_shows_a_definition_as_json(capsys):
    code, out, _ = run(capsys, "instruments", "show", "wai-sr")
    assert code == 0
    definition = json.loads(out)
    assert [item["id"] for item in definition["items"]] == [f"wai_{n}" for n in range(1, 13)]
    assert definition["licence"].startswith("© Society for Psychotherapy Research")


def test_it_checks_shipped_and_extra_definitions(capsys, tmp_path, monkeypatch):
    assert run(capsys, "instruments", "check") == (0, "ok: 4 instruments\n", "")
    directory = write_definitions(tmp_path / "extra", {"lines.json": line_form()})
    monkeypatch.setenv("ALLIANCE_INSTRUMENTS_DIR", directory)
    assert run(capsys, "instruments", "check") == (0, "ok: 5 instruments\n", "")
    code, out, _ = run(capsys, "score", "test-lines", "1", "2.5", "10", "0")
    assert (code, json.loads(out)["total"]) == (0, 13.5)


def test_it_fails_the_check_with_the_definition_error(capsys, tmp_path, monkeypatch):
    broken = shipped_json("gad7") | {"code": "gad7-copy"}
    broken["flags"] = [
        {
            "id": "x",
            "item": "gad7_8",
            "op": ">=",
            "value": 1,
            "severity": "urgent",
            "label": "x",
            "citation": "x",
        }
    ]
    directory = write_definitions(tmp_path / "extra", {"gad7-copy.json": broken})
    monkeypatch.setenv("ALLIANCE_INSTRUMENTS_DIR", directory)
    code, out, err = run(capsys, "instruments", "check")
    assert (code, out) == (2, "")
    assert "gad7-copy.json: flags[0].item: unknown item 'gad7_8'" in err


def test_it_prints_help_with_status_0(capsys):
    code, out, _ = run(capsys, "score", "--help")
    assert code == 0 and "--csv FILE" in out


def _python(*args, stdin=None):
    env = {key: value for key, value in os.environ.items() if key != "ALLIANCE_INSTRUMENTS_DIR"}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_it_runs_as_a_module_without_importing_django():
    done = _python("-X", "importtime", "-m", "alliance.psychometrics.cli", "score", "phq9", *PHQ9)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total"] == 13
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()]
    assert "alliance.psychometrics.cli" in imported or "alliance.psychometrics" in imported
    assert not [name for name in imported if name.split(".")[0] == "django"]


def test_it_imports_the_package_and_scores_a_csv_without_django():
    script = (
        "import sys, alliance.psychometrics\n"
        "from alliance.psychometrics.cli import main\n"
        "code = main(['score', 'phq9', '--csv', '-', '--format', 'csv'])\n"
        "sys.stdout.flush()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'), file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    rows = "phq9_" + ",phq9_".join(map(str, range(1, 10))) + "\n" + ",".join(PHQ9) + "\n"
    done = _python("-c", script, stdin=rows)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "total,band,flags\n13,Moderate,suicide_risk_item9\n"
    assert done.stderr.strip() == "[]"
