"""mmstvsr.apis.tiling: spans cover the axis; ramps cross-fade and weight every output pixel."""
import pytest
import torch

from mmstvsr.apis.tiling import axis_tiles, ramp_weights, tile_spans, weight_sum


def test_tile_spans():
    assert tile_spans(100, 0, 16) == [(0, 100)]  # no tiling
    assert tile_spans(100, 128, 16) == [(0, 100)]  # one tile is enough
    assert tile_spans(100, 40, 10) == [(0, 40), (30, 70), (60, 100)]
    assert tile_spans(100, 40, 0) == [(0, 40), (40, 80), (60, 100)]  # last one shifted back
    assert tile_spans(101, 40, 10) == [(0, 40), (30, 70), (60, 100), (61, 101)]


def test_ramps_cross_fade_in_the_middle_half_of_the_overlap():
    scale, overlap = 2, 8  # outer quarter: 2 LR = 4 output pixels at weight 0
    left = ramp_weights(0, 40, 72, overlap, scale)
    right = ramp_weights(32, 72, 72, overlap, scale)
    assert torch.all(left[:64] == 1) and torch.all(right[-64:] == 1)  # frame borders untouched
    assert torch.all(left[-4:] == 0) and torch.all(right[:4] == 0)
    torch.testing.assert_close(left[-16:] + right[:16], torch.ones(16))  # partition of unity
    assert torch.all(left[-16:-12] == 1) and torch.all(left[-12:-4].diff() < 0)  # middle half


@pytest.mark.parametrize('scale', [1, 4])
def test_every_output_pixel_is_weighted(scale):
    for size in range(1, 70, 3):
        for tile in range(1, 30, 2):
            for overlap in range(0, tile, 3):
                tiles = axis_tiles(size, tile, overlap, scale)
                assert tiles[0].start == 0 and tiles[-1].stop == size
                assert weight_sum(tiles, scale).min() > 0, (size, tile, overlap)
