import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmagic.registry import MODELS
from mmagic.structures import DataSample

import mmstvsr  # noqa: F401


@MODELS.register_module(force=True)
class _DivisibleNearestNet(nn.Module):
    """Test generator: needs sizes divisible by 8; nearest x2 upsampling, mean at t', plus the
    mean of that gap's ``flow_fwd`` when given (so that a wrongly sliced flow shows)."""

    size_divisor = 8

    def forward(self, lrs, times, flow_fwd=None):
        assert lrs.shape[-1] % 8 == 0 and lrs.shape[-2] % 8 == 0
        if flow_fwd is not None:
            assert flow_fwd.shape[1] == lrs.shape[1] - 1
            assert flow_fwd.shape[-2:] == lrs.shape[-2:]
        hr = F.interpolate(lrs.flatten(0, 1), scale_factor=2, mode='nearest')
        hr = hr.view(*lrs.shape[:3], *hr.shape[-2:])
        out = []
        for i in range(lrs.size(1)):
            out.append(hr[:, i])
            if i < lrs.size(1) - 1:
                mark = 0 if flow_fwd is None else flow_fwd[:, i].mean().item()
                out.extend((1 - t) * hr[:, i] + t * hr[:, i + 1] + mark for t in times.tolist())
        return torch.stack(out, 1)


def _model(generator, **kwargs):
    return MODELS.build(
        dict(type='BaseSTVSRModel', generator=generator, pixel_loss=dict(type='L1Loss'),
             data_preprocessor=dict(type='DataPreprocessor', mean=[0.] * 3, std=[255.] * 3),
             **kwargs))


def test_output_shape_default_and_per_call_times():
    model = _model(dict(type='BicubicAverageNet', scale=4))
    lrs = torch.rand(2, 4, 3, 16, 12)
    assert model(lrs).shape == (2, 7, 3, 64, 48)
    out = model(lrs, times=[0.25, 0.5, 0.75])
    assert out.shape == (2, 13, 3, 64, 48)
    # frames at input times are the inputs' bicubic upsampling, whatever the positions
    assert torch.allclose(out[:, 4], model(lrs)[:, 2], atol=1e-6)


def test_model_times_from_config():
    model = _model(dict(type='BicubicAverageNet', scale=2), scale=2, times=(0.2, 0.4, 0.6))
    assert model(torch.rand(1, 3, 3, 8, 8)).shape == (1, 9, 3, 16, 16)


def test_padding_to_size_divisor_is_cropped_back():
    model = _model(dict(type='_DivisibleNearestNet'), scale=2)
    lrs = torch.rand(1, 3, 3, 13, 21)
    out = model(lrs)
    assert out.shape == (1, 5, 3, 26, 42)
    # the unpadded part equals the direct result
    expected = F.interpolate(lrs[0], scale_factor=2, mode='nearest')
    assert torch.allclose(out[0, ::2], expected)


def test_extra_inputs_are_padded_and_passed_when_present():
    model = _model(dict(type='_DivisibleNearestNet'), scale=2, extra_inputs=('flow_fwd', ))
    lrs = torch.rand(1, 3, 3, 13, 21)
    samples = DataSample()
    samples.set_tensor_data(dict(flow_fwd=torch.zeros(1, 2, 2, 13, 21)))
    assert model(lrs, samples).shape == (1, 5, 3, 26, 42)
    with pytest.raises(AssertionError):  # a wrongly sized field reaches the generator
        bad = DataSample()
        bad.set_tensor_data(dict(flow_fwd=torch.zeros(1, 3, 2, 13, 21)))
        model(lrs, bad)
    assert model(lrs, DataSample()).shape == (1, 5, 3, 26, 42)  # absent: not passed


def test_sliding_windows_equal_whole_clip():
    model = _model(dict(type='BicubicAverageNet', scale=2), scale=2,
                   test_cfg=dict(window=4, stride=3))
    lrs = torch.rand(1, 11, 3, 8, 8)
    whole = model.forward_tensor(lrs)
    windowed = model.forward_windows(lrs)
    assert windowed.shape == whole.shape == (1, 21, 3, 16, 16)
    assert torch.allclose(windowed, whole, atol=1e-6)


@pytest.mark.parametrize('window,stride', [(3, 1), (3, 2), (4, 3)])
def test_sliding_windows_slice_extra_inputs(window, stride):
    """Each gap's flow reaches the window that makes that gap's frames: with a different flow per
    gap, the windowed frames equal the whole clip's (a wrong offset of the right length fails)."""
    model = _model(dict(type='_DivisibleNearestNet'), scale=2, extra_inputs=('flow_fwd', ),
                   test_cfg=dict(window=window, stride=stride))
    lrs = torch.rand(1, 6, 3, 8, 8)
    samples = DataSample()
    gaps = torch.arange(1., 6.).view(1, 5, 1, 1, 1)  # gap i: flow i + 1 everywhere
    samples.set_tensor_data(dict(flow_fwd=gaps.expand(1, 5, 2, 8, 8).clone()))
    windowed = model.forward_windows(lrs, samples)
    whole = model.forward_tensor(lrs, samples)
    assert windowed.shape == whole.shape == (1, 11, 3, 16, 16)
    torch.testing.assert_close(windowed, whole)


def test_loss_mode():
    model = _model(dict(type='ResidualSTVSRNet', scale=2, mid_channels=8, num_blocks=1), scale=2)
    lrs = torch.rand(2, 2, 3, 8, 8)
    samples = DataSample()
    samples.set_tensor_data(dict(gt_img=torch.rand(2, 3, 3, 16, 16)))
    losses = model(lrs, samples, mode='loss')
    assert set(losses) == {'loss_pix'} and losses['loss_pix'].requires_grad
    samples.set_tensor_data(dict(gt_img=torch.rand(2, 7, 3, 16, 16)))
    with pytest.raises(ValueError, match='target frames'):
        model(lrs, samples, mode='loss')


def test_bad_input_shapes():
    model = _model(dict(type='BicubicAverageNet', scale=4))
    with pytest.raises(ValueError, match=r'\(B, T, C, h, w\)'):
        model(torch.rand(1, 3, 8, 8))
    with pytest.raises(ValueError, match='at least 2'):
        model(torch.rand(1, 1, 3, 8, 8))


def test_models_build_without_a_default_scope():
    """``MODELS.build(cfg.model)`` of mmstvsr configs works in a fresh interpreter that never
    called ``init_default_scope`` (the data preprocessor is MMagic's, built by MMEngine)."""
    import os.path as osp
    import subprocess
    import sys
    root = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    configs = ['configs/stinet/stinet-official_x4_2xb15-500k_vimeo-septuplet.py',
               'configs/starnet/starnet_x4_1xb10-70e_vimeo-triplet.py',
               'configs/dsfn/dsfn_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py',
               'configs/baselines/bicubic-flow_x4_vimeo-septuplet.py']
    code = ('import sys, mmstvsr\n'
            'from mmagic.registry import MODELS\n'
            'from mmengine.config import Config\n'
            'from mmengine.registry import DefaultScope\n'
            'assert DefaultScope.get_current_instance() is None\n'
            'for path in sys.argv[1:]:\n'
            '    model = MODELS.build(Config.fromfile(path).model)\n'
            '    print(type(model.data_preprocessor).__name__)\n'
            'assert DefaultScope.get_current_instance() is None\n')
    res = subprocess.run([sys.executable, '-c', code, *configs], cwd=root, capture_output=True,
                         text=True)
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.split() == ['DataPreprocessor'] * len(configs)
