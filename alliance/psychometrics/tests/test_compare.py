import pytest

from alliance.psychometrics import AnswerError, compare_views, get_instrument
from alliance.psychometrics.compare import agreement, compare_series, view_means

CLIENT = {f"wai_{n}": value for n, value in enumerate([4, 4, 3, 5, 5, 5, 3, 4, 2, 4, 4, 4], 1)}
COUNSELOR = {f"wai_{n}": 4 for n in range(1, 13)}


def test_it_compares_the_two_views_item_by_item_and_by_subscale():
    result = compare_views(
        get_instrument("wai-sr"), CLIENT, get_instrument("wai-sr-predicted"), COUNSELOR
    )
    assert result["items"]["wai_9"] == {"client": 2, "counselor": 4, "difference": 2}
    assert result["items"]["wai_4"] == {"client": 5, "counselor": 4, "difference": -1}
    assert list(result["items"]) == [f"wai_{n}" for n in range(1, 13)]
    assert result["subscales"] == {
        "goal": {"client": 18, "counselor": 16, "difference": -2},
        "task": {"client": 16, "counselor": 16, "difference": 0},
        "bond": {"client": 13, "counselor": 16, "difference": 3},
    }
    assert result["total"] == {"client": 47, "counselor": 48, "difference": 1}


def test_it_refuses_forms_that_are_not_a_pair():
    with pytest.raises(ValueError, match="first form must be answered by the client"):
        compare_views(
            get_instrument("wai-sr-predicted"), COUNSELOR, get_instrument("wai-sr"), CLIENT
        )
    phq9 = get_instrument("phq9")
    with pytest.raises(ValueError, match="phq9 and wai-sr-predicted are not paired forms"):
        compare_views(phq9, {}, get_instrument("wai-sr-predicted"), COUNSELOR)


def test_it_checks_both_sets_of_answers():
    with pytest.raises(AnswerError, match="wai_1: 6 is not one of 1, 2, 3, 4, 5"):
        compare_views(
            get_instrument("wai-sr"),
            CLIENT,
            get_instrument("wai-sr-predicted"),
            COUNSELOR | {"wai_1": 6},
        )


def test_it_compares_many_sessions_in_order_with_their_keys():
    lower_bond = COUNSELOR | {"wai_3": 2, "wai_5": 2, "wai_7": 2, "wai_9": 2}
    series = compare_series(
        get_instrument("wai-sr"),
        get_instrument("wai-sr-predicted"),
        [("s1", CLIENT, COUNSELOR), ("s2", CLIENT, lower_bond)],
    )
    assert [result["key"] for result in series] == ["s1", "s2"]
    assert series[0]["subscales"]["bond"] == {"client": 13, "counselor": 16, "difference": 3}
    assert series[1]["subscales"]["bond"] == {"client": 13, "counselor": 8, "difference": -5}
    single = compare_views(
        get_instrument("wai-sr"), CLIENT, get_instrument("wai-sr-predicted"), lower_bond
    )
    assert series[1] == {"key": "s2", **single}


def test_it_refuses_a_series_of_forms_that_are_not_a_pair_even_when_empty():
    with pytest.raises(ValueError, match="not paired forms"):
        compare_series(get_instrument("wai-sr"), _unpaired_counselor_form(), [])


def _unpaired_counselor_form():
    # A counselor-answered form that pairs with nothing, built from the shipped prediction form.
    from dataclasses import replace

    return replace(get_instrument("wai-sr-predicted"), code="other", pairs_with=None)


def test_it_gives_the_two_views_as_item_means_with_the_gap_in_the_same_unit():
    wai = get_instrument("wai-sr")
    result = compare_views(wai, CLIENT, get_instrument("wai-sr-predicted"), COUNSELOR)
    means = view_means(result, wai)
    assert means["goal"] == {"client": 4.5, "counselor": 4.0, "difference": -0.5}
    assert means["bond"] == {"client": 3.25, "counselor": 4.0, "difference": 0.75}
    assert means["task"] == {"client": 4.0, "counselor": 4.0, "difference": 0}
    assert means["total"] == {"client": 3.917, "counselor": 4.0, "difference": 0.083}


def test_it_takes_the_gap_from_the_sums_so_rounding_cannot_move_it():
    wai = get_instrument("wai-sr")
    client = COUNSELOR | {"wai_1": 3}
    result = compare_views(wai, client, get_instrument("wai-sr-predicted"), COUNSELOR)
    # total 47 vs 48: means 3.917 and 4.0, a gap of exactly 1/12.
    assert view_means(result, wai)["total"]["difference"] == 0.083


def test_it_says_where_the_views_agree_and_which_way_they_differ():
    means = {
        "goal": {"client": 4.5, "counselor": 4.0, "difference": -0.5},
        "task": {"client": 4.0, "counselor": 4.25, "difference": 0.25},
        "bond": {"client": 3.0, "counselor": 4.0, "difference": 1.0},
    }
    assert agreement(means, 0.5) == {
        "goal": "client_higher",
        "task": "agree",
        "bond": "client_lower",
    }
    assert agreement(means, 1.5) == {"goal": "agree", "task": "agree", "bond": "agree"}


def test_it_refuses_a_zero_agreement_band():
    with pytest.raises(ValueError, match="agree_within must be greater than 0"):
        agreement({}, 0)
