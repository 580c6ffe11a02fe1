import pytest

from alliance.psychometrics import AnswerError, compare_views, get_instrument

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
