import math
from pathlib import Path

import cv2
import numpy as np
import pytest
from mmagic.datasets.transforms import MATLABLikeResize
from mmagic.registry import TRANSFORMS

from mmstvsr.datasets.transforms import MATLABBicubicDownsample, imresize_matlab
from mmstvsr.utils.matlab_resize import resize_weights

CLIP_DIR = (Path(__file__).parents[1] / 'data' / 'vimeo_septuplet' /
            'sequences' / '00001' / '0001')
CLIP_PATHS = [str(CLIP_DIR / f'im{i}.png') for i in range(1, 8)]

# MATLAB imresize(uint8(IN), scale, 'bicubic') outputs, as recorded in the
# tests of GNU Octave's image package (inst/imresize.m).
MATLAB_IN = np.array(
    [[116, 227, 153, 69, 146, 194, 59, 130, 139, 106],
     [2, 47, 137, 249, 90, 75, 16, 24, 158, 44],
     [155, 68, 46, 84, 166, 156, 69, 204, 32, 152],
     [71, 221, 137, 230, 210, 153, 192, 115, 30, 118],
     [107, 143, 108, 52, 51, 73, 101, 21, 175, 90],
     [54, 158, 143, 77, 26, 168, 113, 229, 165, 225],
     [9, 47, 133, 135, 130, 207, 236, 43, 19, 73],
     [129, 60, 59, 243, 64, 181, 249, 56, 32, 86]],
    dtype=np.uint8)
MATLAB_OUT = {
    1 / 2: [[105, 140, 126, 81, 109],
            [110, 134, 153, 114, 93],
            [108, 108, 94, 127, 146],
            [67, 126, 162, 149, 62]],
    1 / 3: [[115, 135, 97, 101],
            [113, 119, 124, 125],
            [81, 157, 118, 64]],
    4 / 3: [[116, 203, 221, 141, 62, 110, 180, 191, 70, 104, 143, 136, 111, 106],
            [26, 78, 126, 156, 200, 139, 103, 103, 33, 28, 92, 158, 67, 46],
            [51, 35, 51, 112, 195, 146, 101, 87, 29, 57, 100, 114, 81, 74],
            [159, 110, 63, 50, 82, 148, 179, 152, 83, 173, 147, 27, 143, 170],
            [70, 171, 189, 134, 217, 226, 193, 158, 186, 157, 83, 25, 114, 135],
            [91, 152, 162, 116, 118, 114, 102, 98, 138, 65, 60, 127, 92, 84],
            [90, 130, 144, 111, 52, 24, 50, 101, 94, 86, 129, 190, 146, 135],
            [41, 114, 157, 139, 89, 37, 82, 178, 125, 192, 203, 154, 213, 227],
            [4, 33, 89, 141, 127, 118, 151, 213, 232, 119, 35, 34, 81, 92],
            [88, 61, 54, 97, 203, 129, 115, 203, 255, 119, 18, 24, 70, 81],
            [147, 91, 43, 68, 247, 125, 80, 191, 255, 130, 33, 37, 83, 94]],
}


@pytest.fixture(scope='module')
def frames():
    """The 7 real BGR uint8 frames, (256, 448, 3) each."""
    return [cv2.imread(p) for p in CLIP_PATHS]


def padded(frame, pad_h, pad_w):
    """The frame extended at the bottom/right by reflection."""
    return np.pad(frame, ((0, pad_h), (0, pad_w), (0, 0)), mode='reflect')


@pytest.mark.parametrize('scale, size, expected', [
    (1 / 4, (256, 448), (64, 112)),
    (1 / 4, (258, 450), (65, 113)),
    (1 / 4, (7, 10), (2, 3)),
    (1 / 3, (256, 448), (86, 150)),
    (1 / 3, (258, 450), (86, 150)),
    (1 / 3, (8, 10), (3, 4)),
])
def test_output_size(frames, scale, size, expected):
    img = padded(frames[0], 2, 2)[:size[0], :size[1]]
    out = imresize_matlab(img, scale)
    assert out.shape == expected + (3, )
    assert out.dtype == np.uint8
    assert out.flags['C_CONTIGUOUS']  # cv2 needs contiguous images
    assert imresize_matlab(img[..., 0], scale).shape == expected


@pytest.mark.parametrize('scale', [1 / 4, 1 / 3, 4 / 3])
def test_resize_weights(frames, scale):
    weights = resize_weights(258, scale)
    assert weights.shape == (math.ceil(258 * scale), 258)
    np.testing.assert_allclose(weights.sum(axis=1), 1, rtol=0, atol=1e-12)
    column = padded(frames[0], 2, 0)[:, 100, 1].astype(np.float64)
    np.testing.assert_allclose(weights @ column,
                               imresize_matlab(column[:, None], scale)[:, 0],
                               rtol=0, atol=1e-9)


@pytest.mark.parametrize('scale', [1 / 4, 1 / 3, 4 / 3])
def test_constant_image_stays_constant(scale):
    out = imresize_matlab(np.full((37, 50, 3), 137, np.uint8), scale)
    assert (out == 137).all()
    out = imresize_matlab(np.full((37, 50), 0.3), scale)
    np.testing.assert_allclose(out, 0.3, rtol=0, atol=1e-12)


def test_readme_count_of_matlab_values():
    """README "Metrics": "the MATLAB bicubic against 186 values (20 at scale 1/2, 12 at 1/3, 154
    at 4/3)"."""
    assert [np.size(MATLAB_OUT[s]) for s in (1 / 2, 1 / 3, 4 / 3)] == [20, 12, 154]


@pytest.mark.parametrize('scale', MATLAB_OUT)
def test_matches_matlab_reference(scale):
    out = imresize_matlab(MATLAB_IN, scale)
    np.testing.assert_array_equal(out, np.array(MATLAB_OUT[scale], np.uint8))


@pytest.mark.parametrize('scale', [1 / 4, 1 / 3])
def test_agrees_with_mmagic(frames, scale):
    for frame in (frames[0], padded(frames[3], 2, 1)):
        ours = imresize_matlab(frame.astype(np.float64), scale)
        theirs = MATLABLikeResize(keys=['img'], scale=scale)(
            dict(img=frame))['img']
        assert ours.dtype == np.float64
        assert ours.shape == theirs.shape
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-3)


def test_uint8_rounding_and_clipping():
    # A sharp step overshoots below 0 and above 255 (cubic negative lobes).
    row = np.repeat(np.array([0, 255, 0, 255], np.uint8), 6)[None]
    exact = imresize_matlab(row.astype(np.float64), 1 / 3)
    assert exact.min() < -1 and exact.max() > 256
    out = imresize_matlab(row, 1 / 3)
    assert out.dtype == np.uint8
    # A single row is only resized along x, so one rounding: clip, round.
    np.testing.assert_array_equal(out, np.floor(np.clip(exact, 0, 255) + 0.5))
    assert out.min() == 0 and out.max() == 255


def test_uint8_rounds_half_up():
    # x2 upscaling weights are multiples of 1/128: a lone 64 gives exact .5s
    row = np.zeros((1, 8), np.uint8)
    row[0, 3] = 64
    exact = imresize_matlab(row.astype(np.float64), 2)
    assert exact[0, 8] == 14.5  # np.around would give 14
    assert imresize_matlab(row, 2)[0, 8] == 15


def test_float_output_is_unclipped_float64():
    img = np.repeat(np.array([0, 1, 0, 1], np.float32), 6)[None]
    out = imresize_matlab(img, 1 / 3)
    assert out.dtype == np.float64
    assert out.min() < 0 and out.max() > 1


def test_rejects_bad_input():
    with pytest.raises(TypeError, match='uint8 or float'):
        imresize_matlab(np.zeros((8, 8), np.int32), 0.5)
    with pytest.raises(ValueError, match='shape'):
        imresize_matlab(np.zeros((2, 8, 8, 3), np.uint8), 0.5)


def test_downsample_mod_crops(frames):
    gt = padded(frames[0], 2, 2)  # 258 x 450
    results = MATLABBicubicDownsample(scale=4)(dict(gt=[gt]))
    assert results['gt'][0].shape == (256, 448, 3)
    np.testing.assert_array_equal(results['gt'][0], frames[0])
    assert results['img'][0].shape == (64, 112, 3)
    assert results['img'][0].dtype == np.uint8
    np.testing.assert_array_equal(results['img'][0],
                                  imresize_matlab(frames[0], 1 / 4))
    assert results['scale'] == 4
    assert results['img_channel_order'] == 'bgr'


def test_downsample_frame_selection(frames):
    lr_all = [imresize_matlab(f, 1 / 4) for f in frames]

    results = MATLABBicubicDownsample()(dict(gt=list(frames)))
    assert len(results['img']) == 7
    assert len(results['gt']) == 7

    results = MATLABBicubicDownsample(frame_indices=[0, 6])(
        dict(gt=list(frames)))
    assert len(results['img']) == 2
    np.testing.assert_array_equal(results['img'][0], lr_all[0])
    np.testing.assert_array_equal(results['img'][1], lr_all[6])
    assert not np.array_equal(results['img'][1], lr_all[5])

    results = MATLABBicubicDownsample()(
        dict(gt=list(frames), input_indices=[0, 2, 4, 6]))
    assert len(results['img']) == 4
    for lr, i in zip(results['img'], [0, 2, 4, 6]):
        np.testing.assert_array_equal(lr, lr_all[i])
    assert len(results['gt']) == 7

    # explicit frame_indices win over input_indices
    results = MATLABBicubicDownsample(frame_indices=[3])(
        dict(gt=list(frames), input_indices=[0, 2, 4, 6]))
    assert len(results['img']) == 1
    np.testing.assert_array_equal(results['img'][0], lr_all[3])


def test_downsample_keys_and_channel_order(frames):
    results = MATLABBicubicDownsample(
        scale=2, gt_key='hr', lr_key='lr')(
            dict(hr=frames[:2], hr_channel_order='rgb'))
    assert results['lr'][0].shape == (128, 224, 3)
    assert results['lr_channel_order'] == 'rgb'
    assert results['scale'] == 2


def test_downsample_mismatched_sizes(frames):
    gt = [frames[0], padded(frames[1], 2, 2), frames[2]]
    paths = CLIP_PATHS[:3]
    with pytest.raises(ValueError) as err:
        MATLABBicubicDownsample()(dict(gt=gt, gt_path=paths))
    msg = str(err.value)
    assert 'im2.png is 258x450' in msg
    assert 'im1.png' not in msg and 'im3.png' not in msg
    assert 'one size' in msg and '256x448' in msg


def test_downsample_index_out_of_range(frames):
    with pytest.raises(IndexError, match=r'\b7\b.*7 frames'):
        MATLABBicubicDownsample(frame_indices=[0, 7])(dict(gt=list(frames)))
    with pytest.raises(IndexError, match='-1'):
        MATLABBicubicDownsample()(dict(gt=list(frames), input_indices=[-1]))


def test_build_from_registry():
    transform = TRANSFORMS.build(dict(type='MATLABBicubicDownsample', scale=4))
    assert isinstance(transform, MATLABBicubicDownsample)
    assert transform.scale == 4
    assert 'scale=4' in repr(transform)


def test_downsample_single_image(frames):
    """Image datasets hand over one frame: one LR frame comes back, not a list."""
    results = MATLABBicubicDownsample(scale=4)(dict(gt=padded(frames[0], 3, 1)))
    np.testing.assert_array_equal(results['gt'], frames[0])
    np.testing.assert_array_equal(results['img'], imresize_matlab(frames[0], 1 / 4))
