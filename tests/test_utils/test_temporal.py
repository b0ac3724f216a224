import pytest

from mmstvsr.utils.temporal import (check_times, interleave, num_output_frames, output_timestamps,
                                    plan_windows, uniform_times, window_output_slices)


def test_check_times_validates():
    assert check_times([0.25, 0.5]) == (0.25, 0.5)
    for bad in ([], [0.0], [1.0], [0.5, 0.5], [0.7, 0.3], [-0.1]):
        with pytest.raises(ValueError):
            check_times(bad)


def test_uniform_times_and_counts():
    assert uniform_times(2) == (0.5, )
    assert uniform_times(4) == (0.25, 0.5, 0.75)
    with pytest.raises(ValueError):
        uniform_times(1)
    assert num_output_frames(4, 1) == 7
    assert num_output_frames(4, 3) == 13


def test_interleave_and_timestamps():
    out = interleave(3, [0.25, 0.75], lambda i: f'I{i}', lambda i, t: f'I{i}+{t}')
    assert out == ['I0', 'I0+0.25', 'I0+0.75', 'I1', 'I1+0.25', 'I1+0.75', 'I2']
    assert output_timestamps(3, [0.5]).tolist() == [0, 0.5, 1, 1.5, 2]


@pytest.mark.parametrize('num_inputs,window,stride', [
    (4, 4, 3), (21, 4, 3), (24, 4, 3), (25, 4, 3), (10, 5, 2), (7, 3, 1), (2, 4, None),
    (30, 6, None)
])
@pytest.mark.parametrize('k', [1, 3])
def test_windows_produce_every_output_once_in_order(num_inputs, window, stride, k):
    produced = []
    for start, stop, keep in window_output_slices(num_inputs, window, stride, k):
        assert stop - start == min(window, num_inputs)
        local = list(range(start * (k + 1), (stop - 1) * (k + 1) + 1))
        produced.extend(local[keep])
    assert produced == list(range(num_output_frames(num_inputs, k)))


def test_plan_windows_vid4_calendar():
    # Vid4 calendar: 41 frames, inputs are the 21 odd frames, 4 inputs (7 outputs) per window,
    # stride 3 inputs (6 outputs), last window aligned to the end.
    plan = plan_windows(21, 4, 3)
    assert plan[0] == (0, 4) and plan[-1] == (17, 21)
    assert all(b - a == 4 for a, b in plan)


def test_plan_windows_rejects_bad_stride():
    with pytest.raises(ValueError, match='stride'):
        plan_windows(10, 4, 4)
    with pytest.raises(ValueError, match='at least 2'):
        plan_windows(10, 1)
