from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from mmagic.datasets.transforms import PackInputs
from mmagic.registry import TRANSFORMS

from mmstvsr.datasets.transforms import FarnebackFlow
from mmstvsr.utils.flow import farneback_flow

CLIP_DIR = (Path(__file__).parents[1] / 'data' / 'vimeo_septuplet' /
            'sequences' / '00001' / '0001')

DX, DY = 3, 2


@pytest.fixture(scope='module')
def frames():
    """The 7 real BGR uint8 frames, (256, 448, 3) each."""
    return [cv2.imread(str(CLIP_DIR / f'im{i}.png')) for i in range(1, 8)]


@pytest.fixture(scope='module')
def shifted_pair(frames):
    """Two crops of a real frame; content moves by (DX, DY) from 1st to 2nd.

    ``nxt[y + DY, x + DX] == prev[y, x]``.
    """
    big = frames[3]
    h, w = big.shape[0] - 8, big.shape[1] - 8
    return big[DY:DY + h, DX:DX + w], big[:h, :w]


@pytest.fixture(scope='module')
def textured(shifted_pair):
    """Mask of the pixels of ``prev`` with texture (most are flat white)."""
    gray = cv2.cvtColor(shifted_pair[0], cv2.COLOR_BGR2GRAY).astype(float)
    mask = np.hypot(*np.gradient(gray)) > 5
    assert mask.sum() > 1000
    return mask


def test_shape_and_dtype(frames):
    flow = farneback_flow(frames[0], frames[1])
    assert flow.shape == (256, 448, 2)
    assert flow.dtype == np.float32
    gray = [cv2.cvtColor(f, cv2.COLOR_BGR2GRAY) for f in frames[:2]]
    np.testing.assert_array_equal(farneback_flow(*gray), flow)


def test_matches_reference_call(frames):
    gray = [cv2.cvtColor(f, cv2.COLOR_BGR2GRAY) for f in frames[:2]]
    ref = cv2.calcOpticalFlowFarneback(gray[0], gray[1], None, 0.5, 3, 15, 3,
                                       5, 1.2, 0)
    np.testing.assert_array_equal(farneback_flow(frames[0], frames[1]), ref)


def test_identical_frames_give_zero_flow(frames):
    flow = farneback_flow(frames[2], frames[2].copy())
    assert np.abs(flow).max() < 0.01


def test_known_translation(shifted_pair, textured):
    prev, nxt = shifted_pair
    forward = farneback_flow(prev, nxt)
    np.testing.assert_allclose(
        np.median(forward[textured], axis=0), (DX, DY), atol=0.1)
    backward = farneback_flow(nxt, prev)
    np.testing.assert_allclose(
        np.median(backward[textured], axis=0), (-DX, -DY), atol=0.1)
    # pixel by pixel, backward ~ -forward where there is texture
    err = np.abs(backward + forward)[textured]
    assert np.median(err) < 0.1


def test_channel_order(shifted_pair):
    prev, nxt = shifted_pair
    bgr = farneback_flow(prev, nxt, channel_order='bgr')
    rgb = farneback_flow(prev[..., ::-1], nxt[..., ::-1], channel_order='rgb')
    np.testing.assert_array_equal(rgb, bgr)
    # the wrong order weighs the channels differently
    assert not np.array_equal(farneback_flow(prev, nxt, channel_order='rgb'),
                              bgr)
    with pytest.raises(ValueError, match='channel_order'):
        farneback_flow(prev, nxt, channel_order='yuv')


def test_float_input_is_rounded(shifted_pair):
    prev, nxt = shifted_pair
    ref = farneback_flow(prev, nxt)
    flow = farneback_flow(prev.astype(np.float32) + 0.3,
                          nxt.astype(np.float64) - 0.3)
    np.testing.assert_array_equal(flow, ref)


def test_rejects_bad_frames(frames):
    with pytest.raises(ValueError, match='shape'):
        farneback_flow(frames[0], frames[1][:-1])
    with pytest.raises(TypeError, match='uint8 or float'):
        farneback_flow(frames[0].astype(np.int32), frames[1].astype(np.int32))


@pytest.mark.parametrize('num_frames', [4, 2])
def test_transform_shapes(frames, num_frames):
    clip = [cv2.resize(f, (112, 64), interpolation=cv2.INTER_AREA)
            for f in frames[:num_frames]]
    results = FarnebackFlow()(dict(img=clip, img_channel_order='bgr'))
    for key in ('flow_fwd', 'flow_bwd'):
        flows = results[key]
        assert isinstance(flows, torch.Tensor)
        assert flows.dtype == torch.float32
        assert flows.shape == (num_frames - 1, 2, 64, 112)
    np.testing.assert_array_equal(
        results['flow_fwd'][-1].numpy().transpose(1, 2, 0),
        farneback_flow(clip[-2], clip[-1]))
    np.testing.assert_array_equal(
        results['flow_bwd'][0].numpy().transpose(1, 2, 0),
        farneback_flow(clip[1], clip[0]))


def test_transform_uses_channel_order_and_keys(shifted_pair):
    prev, nxt = shifted_pair
    clip = [prev[..., ::-1], nxt[..., ::-1]]
    results = FarnebackFlow(key='lq', forward_key='f', backward_key='b')(
        dict(lq=clip, lq_channel_order='rgb'))
    np.testing.assert_array_equal(results['f'][0].numpy().transpose(1, 2, 0),
                                  farneback_flow(prev, nxt))
    np.testing.assert_array_equal(results['b'][0].numpy().transpose(1, 2, 0),
                                  farneback_flow(nxt, prev))


def test_transform_needs_two_frames(frames):
    with pytest.raises(ValueError, match='at least 2 frames.*got 1'):
        FarnebackFlow()(dict(img=[frames[0]]))
    with pytest.raises(TypeError, match='list of frames'):
        FarnebackFlow()(dict(img=frames[0]))


def test_pack_inputs_keeps_flow_shape(frames):
    clip = [cv2.resize(f, (112, 64), interpolation=cv2.INTER_AREA)
            for f in frames[:2]]
    results = FarnebackFlow()(dict(img=clip))
    packed = PackInputs(keys='img', data_keys=['flow_fwd', 'flow_bwd'])(
        results)
    assert packed['data_samples'].flow_fwd.shape == (1, 2, 64, 112)
    assert packed['data_samples'].flow_bwd.shape == (1, 2, 64, 112)


def test_build_from_registry():
    transform = TRANSFORMS.build(dict(type='FarnebackFlow', key='img'))
    assert isinstance(transform, FarnebackFlow)
    assert "key='img'" in repr(transform)


def test_in_between_flows_go_through_the_ground_truth_midpoint(frames):
    """On real frames: each target is the sum of the two legs through the LR midpoint."""
    from mmstvsr.datasets.transforms import InBetweenFlows, imresize_matlab
    gts = [f[:128, :192] for f in frames[:3]]
    lrs = [imresize_matlab(gts[i], 1 / 4) for i in (0, 2)]
    results = InBetweenFlows()(dict(img=lrs, gt=gts, scale=4))
    mid = imresize_matlab(gts[1], 1 / 4)
    fwd = farneback_flow(lrs[0], mid) + farneback_flow(mid, lrs[1])
    bwd = farneback_flow(lrs[1], mid) + farneback_flow(mid, lrs[0])
    assert results['flow_fwd_gt'].shape == results['flow_bwd_gt'].shape == (1, 2, 32, 48)
    np.testing.assert_allclose(results['flow_fwd_gt'][0].numpy(), fwd.transpose(2, 0, 1))
    np.testing.assert_allclose(results['flow_bwd_gt'][0].numpy(), bwd.transpose(2, 0, 1))
    with pytest.raises(ValueError, match='2T - 1'):
        InBetweenFlows()(dict(img=lrs, gt=gts[:2], scale=4))


def test_tiny_starnet_pipeline_gives_the_flow_targets():
    from mmagic.registry import DATASETS
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    init_default_scope('mmagic')
    root = Path(__file__).parents[2]
    cfg = Config.fromfile(str(root / 'configs' / 'starnet' / 'starnet_tiny.py'))
    for dataset in cfg.train_dataloader.dataset.datasets:
        dataset.data_root = str(root / dataset.data_root)
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    assert len(dataset) == 3 * 13  # three triplets per bundled training septuplet
    item = dataset[0]
    sample = item['data_samples']
    assert item['inputs'].shape == (2, 3, 32, 32)
    assert sample.gt_img.shape == (3, 3, 128, 128)
    for key in ('flow_fwd', 'flow_bwd', 'flow_fwd_gt', 'flow_bwd_gt'):
        assert sample.get(key).shape == (1, 2, 32, 32)


def test_channel_order_overrides_how_frames_are_read(frames):
    """``channel_order`` reads the frames in the given order whatever they were loaded in: the
    STINet authors' flows (RGB frames through COLOR_BGR2GRAY) differ from the true ones."""
    rgb = [f[96:160, 160:256, ::-1].copy() for f in frames[:3]]
    own = FarnebackFlow()(dict(img=rgb, img_channel_order='rgb'))
    authors = FarnebackFlow(channel_order='bgr')(dict(img=rgb, img_channel_order='rgb'))
    gray = [cv2.cvtColor(f, cv2.COLOR_BGR2GRAY) for f in rgb]  # as their dataset_STINet.py
    np.testing.assert_array_equal(authors['flow_fwd'][1].numpy(),
                                  farneback_flow(gray[1], gray[2]).transpose(2, 0, 1))
    np.testing.assert_array_equal(own['flow_fwd'][1].numpy(),
                                  farneback_flow(rgb[1], rgb[2], 'rgb').transpose(2, 0, 1))
    assert (own['flow_fwd'] - authors['flow_fwd']).abs().max() > 0.01
    with pytest.raises(ValueError, match="channel_order must be None, 'bgr' or 'rgb'"):
        FarnebackFlow(channel_order='yuv')
