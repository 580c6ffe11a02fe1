import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance.psychometrics import (
    AnswerError,
    get_instrument,
    parse_definition,
    score,
    validate_answers,
)

from .helpers import line_form

CODES = ["phq9", "gad7", "wai-sr", "wai-sr-predicted"]


def _answers_for(instrument):
    return st.fixed_dictionaries(
        {item.id: st.sampled_from([o.value for o in item.options]) for item in instrument.items}
    )


@st.composite
def _instrument_and_answers(draw):
    instrument = get_instrument(draw(st.sampled_from(CODES)))
    return instrument, draw(_answers_for(instrument))


def _phq9(*values):
    return {f"phq9_{n}": value for n, value in enumerate(values, start=1)}


def test_it_scores_phq9_with_band_and_suicide_risk_flag():
    result = score(get_instrument("phq9"), _phq9(0, 1, 2, 3, 0, 1, 2, 3, 1))
    assert result.to_dict() == {
        "instrument": "phq9",
        "total": 13,
        "subscales": {},
        "band": "Moderate",
        "flags": ["suicide_risk_item9"],
    }


def test_it_raises_the_urgent_flag_on_item9_whatever_the_total():
    result = score(get_instrument("phq9"), _phq9(0, 0, 0, 0, 0, 0, 0, 0, 1))
    assert (result.total, result.band, result.flags) == (1, "Minimal", ["suicide_risk_item9"])
    assert score(get_instrument("phq9"), _phq9(3, 3, 3, 3, 3, 3, 3, 3, 0)).flags == []


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "Minimal"), (4, "Minimal"), (5, "Mild"), (9, "Mild"), (10, "Moderate"), (21, "Severe")],
)
def test_it_bands_gad7_at_the_edges(total, band):
    values = [3] * (total // 3) + [total % 3] + [0] * 7
    answers = {f"gad7_{n}": value for n, value in enumerate(values[:7], start=1)}
    result = score(get_instrument("gad7"), answers)
    assert (result.total, result.band) == (total, band)


def test_it_scores_wai_sr_subscales_with_sums_and_means():
    answers = {f"wai_{n}": value for n, value in enumerate([5, 4, 4, 3, 5, 5, 4, 4, 3, 5, 4, 4], 1)}
    result = score(get_instrument("wai-sr"), answers)
    assert result.to_dict() == {
        "instrument": "wai-sr",
        "total": 50,
        "subscales": {
            "goal": {"sum": 16, "mean": 4.0},
            "task": {"sum": 18, "mean": 4.5},
            "bond": {"sum": 16, "mean": 4.0},
        },
        "band": None,
        "flags": [],
    }
    assert result.mean == 4.167


def test_it_rounds_means_to_three_decimals():
    answers = {f"wai_{n}": 1 for n in range(1, 13)} | {"wai_4": 2}
    result = score(get_instrument("wai-sr"), answers)
    assert result.subscales["goal"] == {"sum": 5, "mean": 1.25}
    assert result.mean == 1.083


def test_it_accepts_answers_as_text_with_spaces_or_a_decimal_point():
    values = validate_answers(get_instrument("phq9"), _phq9("0", " 1 ", "2.0", 3, 0.0, 1, 2, 3, 0))
    assert values == _phq9(0, 1, 2, 3, 0, 1, 2, 3, 0)
    assert all(type(value) is int for value in values.values())
    assert list(values) == list(get_instrument("phq9").item_ids)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"phq9_3": 7}, "phq9_3: 7 is not one of 0, 1, 2, 3"),
        ({"phq9_3": "7"}, "phq9_3: 7 is not one of 0, 1, 2, 3"),
        ({"phq9_3": 1.5}, "phq9_3: 1.5 is not one of 0, 1, 2, 3"),
        ({"phq9_3": "often"}, "phq9_3: 'often' is not one of 0, 1, 2, 3"),
        ({"phq9_3": True}, "phq9_3: True is not one of 0, 1, 2, 3"),
        ({"phq9_3": None}, "phq9_3: missing; expected one of 0, 1, 2, 3"),
        ({"phq9_3": ""}, "phq9_3: missing; expected one of 0, 1, 2, 3"),
        ({"phq9_3": "nan"}, "phq9_3: nan is not one of 0, 1, 2, 3"),
        ({"phq9_10": 1}, "phq9_10: unknown item; phq9 items are phq9_1, phq9_2"),
    ],
)
def test_it_names_the_item_and_the_allowed_values(change, message):
    with pytest.raises(AnswerError) as caught:
        validate_answers(get_instrument("phq9"), _phq9(*[0] * 9) | change)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_it_reports_every_bad_item_at_once():
    answers = _phq9(0, 1, 9, 3, 0, 1, 2, 3) | {"extra": 1}
    with pytest.raises(AnswerError) as caught:
        validate_answers(get_instrument("phq9"), answers)
    assert caught.value.errors == {
        "phq9_3": "9 is not one of 0, 1, 2, 3",
        "phq9_9": "missing; expected one of 0, 1, 2, 3",
        "extra": "unknown item; phq9 items are " + ", ".join(f"phq9_{n}" for n in range(1, 10)),
    }


def test_it_scores_visual_analogue_items():
    instrument = parse_definition(line_form(), "lines.json")
    result = score(instrument, {"line_1": 2.1, "line_2": "7.35", "line_3": 10, "line_4": 0})
    assert result.to_dict() == {
        "instrument": "test-lines",
        "total": 19.45,
        "subscales": {},
        "band": "Below cut-off",
        "flags": ["low_line_1"],
    }
    boundary = score(instrument, {"line_1": 5, "line_2": 5, "line_3": 5, "line_4": 10})
    assert (boundary.total, boundary.band, boundary.flags) == (25, "At or above cut-off", [])


@pytest.mark.parametrize("bad", [10.01, -0.5, "ten", float("inf")])
def test_it_rejects_a_visual_analogue_answer_off_the_line(bad):
    instrument = parse_definition(line_form(), "lines.json")
    with pytest.raises(AnswerError, match="line_2: .* is not a number from 0 to 10"):
        validate_answers(instrument, {"line_1": 1, "line_2": bad, "line_3": 1, "line_4": 1})


@given(_instrument_and_answers())
def test_it_keeps_totals_within_the_possible_range(case):
    instrument, answers = case
    result = score(instrument, answers)
    assert instrument.min_total <= result.total <= instrument.max_total
    assert isinstance(result.total, int)


@given(st.lists(st.floats(min_value=0, max_value=10, allow_nan=False), min_size=4, max_size=4))
def test_it_keeps_visual_analogue_totals_within_range(values):
    instrument = parse_definition(line_form(), "lines.json")
    result = score(instrument, {f"line_{n}": v for n, v in enumerate(values, start=1)})
    assert 0 <= result.total <= 40
    assert result.band is not None


@given(_instrument_and_answers(), st.data())
def test_it_is_monotonic_in_each_answer(case, data):
    instrument, answers = case
    item = data.draw(st.sampled_from(instrument.items))
    higher = [o.value for o in item.options if o.value > answers[item.id]]
    if not higher:
        return
    raised = answers | {item.id: data.draw(st.sampled_from(higher))}
    before, after = score(instrument, answers), score(instrument, raised)
    assert after.total > before.total
    labels = [band.label for band in instrument.bands]
    if labels:
        assert labels.index(after.band) >= labels.index(before.band)
    for name, parts in after.subscales.items():
        assert parts["sum"] >= before.subscales[name]["sum"]


@given(_answers_for(get_instrument("wai-sr")))
def test_it_adds_wai_sr_subscale_sums_up_to_the_total(answers):
    result = score(get_instrument("wai-sr"), answers)
    assert sum(parts["sum"] for parts in result.subscales.values()) == result.total
    for parts in result.subscales.values():
        assert 4 <= parts["sum"] <= 20
        assert parts["mean"] == round(parts["sum"] / 4, 3)


@given(_instrument_and_answers(), st.randoms(use_true_random=False))
def test_it_ignores_the_order_answers_are_given_in(case, random):
    instrument, answers = case
    shuffled = list(answers.items())
    random.shuffle(shuffled)
    assert score(instrument, dict(shuffled)) == score(instrument, answers)
