import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance.psychometrics import gas_t_score

levels = st.lists(st.integers(-2, 2), min_size=1, max_size=12)


def test_it_reproduces_the_published_examples():
    assert gas_t_score([-2, 0, -1, 2, 0, 1], [3, 5, 1, 4, 2, 6]) == pytest.approx(55.0)
    assert gas_t_score([1, 1, 1]) == pytest.approx(63.693, abs=1e-3)
    assert gas_t_score([2]) == pytest.approx(70.0)


def test_it_gives_50_when_every_goal_meets_its_expected_outcome():
    assert gas_t_score([0, 0, 0, 0], [1, 2, 3, 4]) == 50


@pytest.mark.parametrize(
    ("levels", "weights", "message"),
    [
        ([], None, "at least one goal"),
        ([0, 3], None, r"levels\[1\]: 3 is not one of -2, -1, 0, 1, 2"),
        ([0, 1.5], None, r"levels\[1\]: 1.5 is not one of"),
        ([True], None, r"levels\[0\]: True is not one of"),
        ([0, 1], [1], "weights: 1 weights for 2 goals"),
        ([0, 1], [1, 0], r"weights\[1\]: 0 must be a positive number"),
        ([0, 1], [1, -2], r"weights\[1\]: -2 must be a positive number"),
        ([0, 1], [1, "2"], r"weights\[1\]: '2' is not a number"),
        ([0, 1], [1, float("inf")], r"weights\[1\]: inf must be a positive number"),
    ],
)
def test_it_rejects_bad_levels_and_weights(levels, weights, message):
    with pytest.raises(ValueError, match=message):
        gas_t_score(levels, weights)


@st.composite
def _goals(draw):
    xs = draw(levels)
    ws = draw(st.lists(st.floats(0.1, 100), min_size=len(xs), max_size=len(xs)))
    return xs, ws


@given(_goals())
def test_it_mirrors_t_around_50_when_levels_are_negated(goals):
    xs, ws = goals
    assert gas_t_score([-x for x in xs], ws) - 50 == pytest.approx(50 - gas_t_score(xs, ws))


@given(_goals(), st.randoms(use_true_random=False))
def test_it_ignores_the_order_of_goals(goals, random):
    pairs = list(zip(*goals, strict=True))
    random.shuffle(pairs)
    xs, ws = zip(*pairs, strict=True)
    assert gas_t_score(list(xs), list(ws)) == pytest.approx(gas_t_score(*goals))


@given(_goals(), st.floats(0.01, 100))
def test_it_ignores_scaling_every_weight_by_the_same_factor(goals, factor):
    xs, ws = goals
    assert gas_t_score(xs, [w * factor for w in ws]) == pytest.approx(gas_t_score(xs, ws))


@given(levels)
def test_it_treats_no_weights_as_equal_weights(xs):
    assert gas_t_score(xs) == pytest.approx(gas_t_score(xs, [2.5] * len(xs)))
