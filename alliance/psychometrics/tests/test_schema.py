"""Broken definitions fail loudly, naming the file and the field."""

import pytest

from alliance.psychometrics import InstrumentError, load_instruments, parse_definition

from .helpers import line_form, shipped_json, write_definitions


def _test_form():
    data = shipped_json("wai-sr")
    data["code"] = "test-form"
    return data


def _load_broken(tmp_path, data, name="test-form.json"):
    directory = write_definitions(tmp_path / "extra", {name: data})
    with pytest.raises(InstrumentError) as caught:
        load_instruments(directory)
    return caught.value


def test_it_names_file_and_path_for_an_unknown_subscale(tmp_path):
    data = _test_form()
    data["items"][3]["subscale"] = "bnd"
    error = _load_broken(tmp_path, data, "wai-sr.json")
    assert str(error).startswith(str(tmp_path / "extra" / "wai-sr.json"))
    assert "wai-sr.json: items[3].subscale: unknown subscale 'bnd'" in str(error)
    assert (error.path, error.source) == ("items[3].subscale", str(tmp_path / "extra/wai-sr.json"))


def _drop(key):
    def mutate(data):
        del data[key]

    return mutate


def _set(setter):
    def mutate(data):
        setter(data)

    return mutate


def _band_ranges(*ranges):
    def mutate(data):
        data["bands"] = {
            "citation": "Test.",
            "ranges": [{"min": lo, "max": hi, "label": f"{lo}-{hi}"} for lo, hi in ranges],
        }

    return mutate


def _flag(**changes):
    def mutate(data):
        flag = {
            "id": "test_flag",
            "item": "wai_1",
            "op": "<=",
            "value": 1,
            "severity": "warning",
            "label": "Test",
            "citation": "Test.",
        }
        data["flags"] = [{**flag, **changes}]

    return mutate


BROKEN = [
    pytest.param(_drop("citation"), "citation: missing required field", id="missing-field"),
    pytest.param(
        _set(lambda d: d["items"][2].pop("text")),
        "items[2].text: missing required field",
        id="missing-item-field",
    ),
    pytest.param(
        _set(lambda d: d["items"][4].update(id="wai_2")),
        "items[4].id: duplicate item id 'wai_2' (also items[1])",
        id="duplicate-item-id",
    ),
    pytest.param(
        _set(lambda d: d["scoring"]["subscales"]["goal"].append("wai_99")),
        "scoring.subscales.goal[4]: unknown item 'wai_99'",
        id="subscale-lists-unknown-item",
    ),
    pytest.param(
        _set(lambda d: d["items"][0].update(subscale="bond")),
        "items[0].subscale: scoring.subscales.bond does not list 'wai_1'",
        id="item-in-wrong-subscale",
    ),
    pytest.param(
        _band_ranges((12, 30), (32, 60)),
        "bands.ranges[1].min: gap: starts at 32 but the band before ends at 30 (expected 31)",
        id="band-gap",
    ),
    pytest.param(
        _band_ranges((12, 30), (30, 60)),
        "bands.ranges[1].min: overlap: starts at 30",
        id="band-overlap",
    ),
    pytest.param(
        _band_ranges((13, 30), (31, 60)),
        "bands.ranges[0].min: the lowest possible total is 12, not 13",
        id="band-misses-lowest",
    ),
    pytest.param(
        _band_ranges((12, 30), (31, 59)),
        "bands.ranges[1].max: the highest possible total is 60, not 59",
        id="band-misses-highest",
    ),
    pytest.param(
        _flag(item="wai_13"), "flags[0].item: unknown item 'wai_13'", id="flag-on-unknown-item"
    ),
    pytest.param(_flag(op="=>"), "flags[0].op: '=>' is not one of", id="flag-bad-op"),
    pytest.param(
        _flag(severity="panic"), "flags[0].severity: 'panic' is not one of", id="flag-severity"
    ),
    pytest.param(
        _set(lambda d: d.update(respondent="therapist")),
        "respondent: 'therapist' is not one of client, counselor",
        id="bad-respondent",
    ),
    pytest.param(
        _set(lambda d: d.update(colour="blue")), "colour: unknown field", id="unknown-field"
    ),
    pytest.param(
        _set(lambda d: d["items"][0]["options"][1].update(value="2")),
        'items[0].options[1].value: expected a number, got "2"',
        id="option-value-not-number",
    ),
    pytest.param(
        _set(lambda d: d["items"][0]["options"][1].update(value=True)),
        "items[0].options[1].value: expected a number, got true",
        id="option-value-bool",
    ),
    pytest.param(
        _set(lambda d: d["items"][0]["options"][1].update(value=1)),
        "items[0].options[1].value: duplicate answer value 1",
        id="duplicate-option-value",
    ),
    pytest.param(
        _set(lambda d: d["items"][0].update(vas={"min": 0, "max": 10})),
        "items[0]: needs exactly one of 'options' or 'vas'",
        id="options-and-vas",
    ),
    pytest.param(
        _set(lambda d: d["items"][2].update(text="I believe {counsellor} likes me.")),
        "items[2].text: unknown placeholder {counsellor}",
        id="misspelt-placeholder",
    ),
    pytest.param(
        _set(lambda d: d["items"][0].update(loinc="44250-8")),
        "items[0].loinc: '44250-8' has a wrong check digit (expected 9)",
        id="loinc-check-digit",
    ),
    pytest.param(
        _set(lambda d: d.update(loinc={"panel": "https://loinc.org/44249-1"})),
        "loinc.panel: 'https://loinc.org/44249-1' is not a LOINC code",
        id="loinc-url",
    ),
    pytest.param(
        _set(lambda d: d["items"][0]["options"][0].update(code="6568-5")),
        "items[0].options[0].code: '6568-5' is not a LOINC answer code",
        id="answer-code",
    ),
    pytest.param(
        _set(lambda d: d["scoring"].update(total="mean")),
        "scoring.total: 'mean' is not supported; use 'sum'",
        id="scoring-method",
    ),
    pytest.param(
        _set(lambda d: d.update(perspective="predicting")),
        "pairs_with: required when perspective is 'predicting'",
        id="prediction-without-pair",
    ),
    pytest.param(
        _set(
            lambda d: d.update(
                caseness={"cutoff": 30, "direction": "at_or_above", "citation": "T."},
                reliable_change={"size": 5, "improvement": "increase", "citation": "T."},
            )
        ),
        "reliable_change.improvement: 'increase' contradicts caseness.direction 'at_or_above'",
        id="improvement-contradicts-caseness",
    ),
    pytest.param(
        _set(lambda d: d.update(caseness={"cutoff": 61, "direction": "below", "citation": "T."})),
        "caseness.cutoff: 61 is outside the totals 12 to 60",
        id="caseness-out-of-range",
    ),
    pytest.param(
        _set(lambda d: d.update(pairs_with="no-such-form")),
        "pairs_with: unknown instrument 'no-such-form'",
        id="pairs-with-unknown",
    ),
    pytest.param(
        _set(lambda d: d.update(pairs_with="phq9")),
        "pairs_with: item ids differ from 'phq9'",
        id="pairs-with-different-items",
    ),
    pytest.param(_set(lambda d: d.update(items=[])), "items: must not be empty", id="no-items"),
]


@pytest.mark.parametrize(("mutate", "message"), BROKEN)
def test_it_rejects_a_broken_definition_naming_file_and_field(tmp_path, mutate, message):
    data = _test_form()
    mutate(data)
    error = _load_broken(tmp_path, data)
    assert f"test-form.json: {message}" in str(error)


def test_it_rejects_a_visual_analogue_line_whose_max_is_not_above_min(tmp_path):
    data = line_form()
    data["items"][1]["vas"]["max"] = 0
    error = _load_broken(tmp_path, data)
    assert "test-form.json: items[1].vas.max: 0 must be greater than min 0" in str(error)


def test_it_requires_real_valued_bands_to_share_their_boundary(tmp_path):
    data = line_form()
    data["bands"]["ranges"][1]["min"] = 26
    error = _load_broken(tmp_path, data)
    assert "bands.ranges[1].min: gap: starts at 26 but the band before ends at 25" in str(error)


def test_it_names_both_files_when_two_definitions_share_a_code(tmp_path):
    data = shipped_json("phq9")
    error = _load_broken(tmp_path, data, "my-phq9.json")
    message = str(error)
    assert "my-phq9.json: code: duplicate code 'phq9', already defined in phq9.json" in message


def test_it_reports_invalid_json_with_its_position(tmp_path):
    error = _load_broken(tmp_path, '{"code": "x",\n  "name": }')
    assert "test-form.json: invalid JSON at line 2 column 11" in str(error)


def test_it_reports_a_definition_that_is_not_an_object(tmp_path):
    error = _load_broken(tmp_path, "[1, 2]")
    assert "test-form.json: (top level): expected an object, got an array" in str(error)


def test_it_reads_extra_definitions_from_the_environment(tmp_path, monkeypatch):
    directory = write_definitions(tmp_path / "extra", {"lines.json": line_form()})
    monkeypatch.setenv("ALLIANCE_INSTRUMENTS_DIR", directory)
    assert "test-lines" in load_instruments()


def test_it_reports_an_extra_directory_that_does_not_exist(tmp_path):
    with pytest.raises(InstrumentError, match="ALLIANCE_INSTRUMENTS_DIR: .* is not a directory"):
        load_instruments(str(tmp_path / "missing"))


def test_it_reads_the_files_again_after_a_reload(tmp_path):
    from alliance.psychometrics import reload_instruments

    directory = tmp_path / "extra"
    write_definitions(directory, {"lines.json": line_form()})
    assert load_instruments(str(directory))["test-lines"].version == "1"
    changed = line_form()
    changed["version"] = "2"
    write_definitions(directory, {"lines.json": changed})
    assert load_instruments(str(directory))["test-lines"].version == "1"
    reload_instruments()
    assert load_instruments(str(directory))["test-lines"].version == "2"


def test_it_names_the_source_given_to_parse_definition():
    data = line_form()
    data["flags"][0]["item"] = "line_9"
    with pytest.raises(InstrumentError, match=r"^lines\.json: flags\[0\]\.item: unknown item"):
        parse_definition(data, "lines.json")
