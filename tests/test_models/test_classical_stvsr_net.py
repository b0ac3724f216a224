import os.path as osp

import cv2
import numpy as np
import torch
from mmagic.registry import MODELS

import mmstvsr  # noqa: F401
from mmstvsr.datasets.transforms import imresize_matlab

FRAME = osp.join(osp.dirname(__file__), '..', 'data', 'vimeo_septuplet', 'sequences', '00001',
                 '0001', 'im1.png')


def _rgb(path=FRAME):
    return cv2.imread(path)[..., ::-1].copy()


def _to_tensor(frames):
    """list of (H, W, 3) uint8 -> (1, T, 3, H, W) in [0, 1]."""
    return torch.from_numpy(np.stack(frames)).permute(0, 3, 1, 2)[None].float() / 255


def _psnr(a, b):
    return 10 * np.log10(1 / np.mean((a - b)**2))


def test_input_times_are_matlab_bicubic():
    hr = _rgb()
    lr = imresize_matlab(hr, 1 / 4)
    net = MODELS.build(dict(type='BicubicAverageNet', scale=4))
    out = net(_to_tensor([lr, lr]), torch.tensor([0.5]))
    expected = imresize_matlab(lr.astype(np.float64), 4) / 255
    got = out[0, 0].permute(1, 2, 0).double().numpy()
    assert out.shape == (1, 3, 3, 256, 448)
    assert np.abs(got - expected).max() < 1e-5


def test_average_blends_linearly():
    lrs = torch.rand(1, 2, 3, 8, 8)
    net = MODELS.build(dict(type='BicubicAverageNet', scale=2))
    out = net(lrs, torch.tensor([0.25, 0.5]))
    assert torch.allclose(out[:, 1], 0.75 * out[:, 0] + 0.25 * out[:, 3], atol=1e-6)
    assert torch.allclose(out[:, 2], 0.5 * (out[:, 0] + out[:, 3]), atol=1e-6)


def _moving_clip(step=8):
    """HR frames of a real image panned by `step` HR pixels per time unit, and their LR."""
    base = _rgb()
    hrs = [base[32:224, 16 + step * k:16 + step * k + 384] for k in range(3)]
    lrs = [imresize_matlab(f, 1 / 4) for f in (hrs[0], hrs[2])]
    return hrs, lrs


def test_flow_interpolation_beats_averaging_on_real_motion():
    hrs, lrs = _moving_clip()
    target = hrs[1].astype(np.float64) / 255
    scores = {}
    for name in ('BicubicAverageNet', 'BicubicFlowNet'):
        out = MODELS.build(dict(type=name, scale=4))(_to_tensor(lrs), torch.tensor([0.5]))
        mid = out[0, 1].permute(1, 2, 0).double().clamp(0, 1).numpy()
        scores[name] = _psnr(mid[8:-8, 8:-8], target[8:-8, 8:-8])  # skip the borders
    assert scores['BicubicFlowNet'] > scores['BicubicAverageNet'] + 3, scores


def test_flow_net_uses_given_flows():
    hrs, lrs = _moving_clip()
    net = MODELS.build(dict(type='BicubicFlowNet', scale=4))
    x = _to_tensor(lrs)
    zero = torch.zeros(1, 1, 2, *x.shape[-2:])
    # with zero flows the flow net degenerates to frame averaging
    out = net(x, torch.tensor([0.5]), flow_fwd=zero, flow_bwd=zero)
    avg = MODELS.build(dict(type='BicubicAverageNet', scale=4))(x, torch.tensor([0.5]))
    assert torch.allclose(out, avg, atol=1e-5)


def test_learned_upsampler_cascade(tmp_path):
    """With a frozen SR network as upsampler, input times are its output and init_weights
    reads its weight file (the cascade of configs/cascades/)."""
    from mmstvsr.models.archs.dense_dbpn import DenseDBPN

    dbpn_cfg = dict(type='DenseDBPN', base_channels=8, mid_channels=8, num_stages=2, scale=4,
                    return_rgb=True)
    trained = DenseDBPN(**{k: v for k, v in dbpn_cfg.items() if k != 'type'})
    torch.save(trained.state_dict(), tmp_path / 'sr.pth')
    net = MODELS.build(dict(type='BicubicFlowNet', scale=4, upsampler=dict(
        dbpn_cfg, init_cfg=dict(type='Pretrained', checkpoint=str(tmp_path / 'sr.pth')),
        frozen=True)))
    net.init_weights()
    lrs = torch.rand(1, 2, 3, 8, 8)
    with torch.no_grad():
        out = net(lrs, torch.tensor([0.5]))
        expected = trained(lrs[0])
    assert out.shape == (1, 3, 3, 32, 32)
    torch.testing.assert_close(out[0, 0], expected[0])
    torch.testing.assert_close(out[0, 2], expected[1])
    assert not any(p.requires_grad for p in net.parameters())
