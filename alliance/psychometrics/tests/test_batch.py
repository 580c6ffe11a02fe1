"""Scoring CSV files: streaming, header checks, row errors, formats."""

import io
import json
import sys

import pytest

from alliance.psychometrics import get_instrument
from alliance.psychometrics.batch import CsvError, Progress, score_csv
from alliance.psychometrics.cli import main

PHQ9_IDS = [f"phq9_{n}" for n in range(1, 10)]


def _csv(tmp_path, text, name="in.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_it_writes_one_jsonl_line_per_row_in_order_with_the_id_first(capsys, tmp_path):
    header = ",".join(["phq9_9", "id", *PHQ9_IDS[:8]])
    path = _csv(tmp_path, f"{header}\n1,a,0,0,0,0,0,0,0,0\n\n0,b,3,3,3,3,3,3,3,3\r\n")
    code, out, err = run(capsys, "score", "phq9", "--csv", path)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert [list(json.loads(line))[0] for line in lines] == ["id", "id"]
    assert json.loads(lines[0]) == {
        "id": "a",
        "instrument": "phq9",
        "total": 1,
        "subscales": {},
        "band": "Minimal",
        "flags": ["suicide_risk_item9"],
    }
    assert json.loads(lines[1])["total"] == 24


def test_it_leaves_out_the_id_when_the_file_has_none(capsys, tmp_path):
    path = _csv(tmp_path, ",".join(PHQ9_IDS) + "\n" + ",".join("1" * 9) + "\n")
    _, out, _ = run(capsys, "score", "phq9", "--csv", path)
    assert list(json.loads(out)) == ["instrument", "total", "subscales", "band", "flags"]


def test_it_writes_csv_with_subscale_columns(capsys, tmp_path):
    ids = [f"wai_{n}" for n in range(1, 13)]
    rows = ["id," + ",".join(ids), "x1," + ",".join("4" * 12), "x2," + ",".join("1" * 12)]
    path = _csv(tmp_path, "\n".join(rows) + "\n")
    code, out, _ = run(capsys, "score", "wai-sr", "--csv", path, "--format", "csv")
    assert code == 0
    assert out.splitlines() == [
        "id,total,goal_sum,goal_mean,task_sum,task_mean,bond_sum,bond_mean,band,flags",
        "x1,48,16,4.0,16,4.0,16,4.0,,",
        "x2,12,4,1.0,4,1.0,4,1.0,,",
    ]


def test_it_joins_flags_with_semicolons_in_csv(capsys, tmp_path):
    path = _csv(tmp_path, ",".join(PHQ9_IDS) + "\n" + ",".join("2" * 9) + "\n")
    _, out, _ = run(capsys, "score", "phq9", "--csv", path, "--format", "csv")
    assert out.splitlines()[1] == "18,Moderately severe,suicide_risk_item9"


def test_it_reads_standard_input_and_drops_a_byte_order_mark(capsys, monkeypatch):
    text = "\ufeff" + ",".join(PHQ9_IDS) + "\r\n" + ",".join("0" * 9) + "\r\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))
    code, out, _ = run(capsys, "score", "phq9", "--csv", "-")
    assert code == 0 and json.loads(out)["total"] == 0


def test_it_accepts_cells_with_spaces_or_a_decimal_point(capsys, tmp_path):
    cells = [" 1", "2.0", "3 ", "0", "0", "0", "0", "0", "0"]
    path = _csv(tmp_path, ",".join(PHQ9_IDS) + "\n" + ",".join(cells) + "\n")
    _, out, _ = run(capsys, "score", "phq9", "--csv", path)
    assert json.loads(out)["total"] == 6


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("", "header: empty file; expected a header row of phq9 item ids"),
        ("id," + ",".join(PHQ9_IDS[:8]), "header: missing column(s) phq9_9"),
        ("id,phq9_10," + ",".join(PHQ9_IDS), "header: unknown column 'phq9_10'; expected id"),
        ("phq9_1," + ",".join(PHQ9_IDS), "header: column 'phq9_1' appears twice"),
    ],
)
def test_it_checks_the_header_before_writing_anything(capsys, tmp_path, header, message):
    path = _csv(tmp_path, header + "\n" + ",".join("0" * 9) + "\n" if header else "")
    code, out, err = run(capsys, "score", "phq9", "--csv", path)
    assert (code, out) == (2, "")
    assert message in err


def test_it_stops_at_a_bad_row_naming_row_line_and_item(capsys, tmp_path):
    good = ",".join("1" * 9)
    bad = "0,5" + ",0" * 7
    path = _csv(tmp_path, "\n".join([",".join(PHQ9_IDS), good, "", good, bad, good]) + "\n")
    code, out, err = run(capsys, "score", "phq9", "--csv", path)
    assert code == 2
    # Output streams: the rows before the bad one were already written.
    assert len(out.splitlines()) == 2
    assert err.strip() == "alliance score: row 3 (line 5): phq9_2: 5 is not one of 0, 1, 2, 3"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("1,1,1", "row 1 (line 2): expected 9 fields, got 3"),
        (",1,1,1,1,1,1,1,1", "row 1 (line 2): phq9_1: missing; expected one of 0, 1, 2, 3"),
        ("1,1,1,1,1,1,1,1,yes", "row 1 (line 2): phq9_9: 'yes' is not one of 0, 1, 2, 3"),
    ],
)
def test_it_explains_what_is_wrong_with_a_row(capsys, tmp_path, row, message):
    path = _csv(tmp_path, ",".join(PHQ9_IDS) + "\n" + row + "\n")
    code, out, err = run(capsys, "score", "phq9", "--csv", path)
    assert (code, out) == (2, "")
    assert message in err


def test_it_reports_a_file_that_is_not_utf8(capsys, tmp_path):
    path = _csv(
        tmp_path,
        "id," + ",".join(PHQ9_IDS) + "\nJos\xe9," + ",".join("0" * 9) + "\n",
        encoding="latin-1",
    )
    code, _, err = run(capsys, "score", "phq9", "--csv", path)
    assert code == 2 and "not UTF-8 text" in err


def test_it_streams_from_an_iterator_without_collecting_rows():
    produced = 0

    def rows():
        nonlocal produced
        yield ",".join(["id", *PHQ9_IDS]) + "\n"
        for n in range(20_000):
            produced += 1
            yield f"{n}," + ",".join(str((n + i) % 4) for i in range(9)) + "\n"

    class Sink:
        lines = 0

        def write(self, text):
            # Each row is written before the next is read.
            assert self.lines == produced - 1
            self.lines += text.count("\n")

    sink = Sink()
    assert score_csv(get_instrument("phq9"), rows(), sink) == 20_000
    assert sink.lines == 20_000


def test_it_rejects_an_unknown_format():
    with pytest.raises(ValueError, match="format must be one of jsonl, csv"):
        score_csv(get_instrument("phq9"), iter([]), io.StringIO(), fmt="xml")


def test_it_raises_csv_error_for_library_callers():
    with pytest.raises(CsvError, match="header: missing column"):
        score_csv(get_instrument("phq9"), iter(["phq9_1\n"]), io.StringIO())


def test_it_redraws_progress_at_most_once_per_interval():
    now = [0.0]
    stream = io.StringIO()
    progress = Progress(stream, interval=0.25, clock=lambda: now[0])
    for rows in range(1024, 10 * 1024, 1024):
        now[0] += 0.1
        progress.update(rows)
    progress.close(10_000)
    assert stream.getvalue() == (
        "\rscored 3,072 rows\rscored 6,144 rows\rscored 9,216 rows\rscored 10,000 rows\n"
    )


def test_it_leaves_no_trace_when_progress_was_never_drawn():
    stream = io.StringIO()
    progress = Progress(stream, clock=lambda: 0.0)
    progress.update(1024)
    progress.close(1024)
    assert stream.getvalue() == ""
