import pytest

from alliance.psychometrics import find_sudden_gains


def test_it_finds_the_published_example_on_all_three_criteria():
    (gain,) = find_sudden_gains([32, 31, 33, 5, 6, 7], cutoff=7)
    assert (gain.before, gain.after, gain.gain) == (2, 3, 28)
    assert (gain.criterion_1, gain.criterion_2, gain.criterion_3) == (True, True, True)
    assert gain.critical_value == 2.776
    assert gain.is_sudden_gain


def test_it_uses_3_182_when_one_window_lacks_a_score():
    (gain,) = find_sudden_gains([32, None, 33, 5, 6, 7], cutoff=7)
    assert gain.critical_value == 3.182 and gain.is_sudden_gain


def test_it_uses_4_303_when_each_window_lacks_a_score():
    (gain,) = find_sudden_gains([32, None, 33, 5, 6, None], cutoff=7)
    assert gain.critical_value == 4.303 and gain.is_sudden_gain


def test_it_counts_sessions_outside_the_series_as_missing():
    (gain,) = find_sudden_gains([31, 33, 5, 6, 7], cutoff=7)
    assert gain.critical_value == 3.182 and gain.is_sudden_gain


def test_it_cannot_test_criterion_3_when_a_window_lacks_two_scores():
    (gain,) = find_sudden_gains([33, 5, 6, 7], cutoff=7)
    assert gain.criterion_3 is None and gain.critical_value is None
    assert not gain.is_sudden_gain


def test_it_reports_a_gain_that_is_small_relative_to_the_score():
    # 8 points from 40 is below 25% of the score at session n.
    (gain,) = find_sudden_gains([41, 40, 40, 32, 31, 32], cutoff=7)
    assert (gain.criterion_1, gain.criterion_2) == (True, False)
    assert not gain.is_sudden_gain


def test_it_reports_a_gain_that_the_windows_do_not_confirm():
    # Scores swing so much around the gain that the window means do not differ reliably.
    (gain,) = find_sudden_gains([20, 26, 22, 14, 20, 18], cutoff=7)
    assert (gain.before, gain.criterion_2, gain.criterion_3) == (2, True, False)


def test_it_ignores_gains_below_the_cutoff_and_worsening():
    assert find_sudden_gains([20, 18, 16, 25, 24, 23], cutoff=7) == []


def test_it_skips_a_pair_with_a_missing_session():
    assert find_sudden_gains([30, 30, None, 5, 5, 5], cutoff=7) == []


@pytest.mark.parametrize(
    ("scores", "cutoff", "message"),
    [
        ([1, 2], 0, "cutoff must be a number greater than 0"),
        ([1, "2"], 5, r"scores\[1\]: '2' is not a number or None"),
        ([1, float("nan")], 5, r"scores\[1\]: nan is not a number or None"),
    ],
)
def test_it_rejects_bad_input(scores, cutoff, message):
    with pytest.raises(ValueError, match=message):
        find_sudden_gains(scores, cutoff)
