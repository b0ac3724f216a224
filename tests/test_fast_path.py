"""The fast paths (mmstvsr.utils.fast_path) and their quality guard.

The quality tests run the default model and the tiny S-SR DBPN with its bundled weights on the
three held-out real test septuplets of tests/data/vimeo_septuplet, as tools/test.py does, and
compare the Y-PSNR against the ground truth of each path with fp32 NCHW: the default path
(channels_last on CPU) within 0.005 dB, bf16 within 0.02 dB (measured: +0.00001 dB and -0.005 dB,
see the README's --precision).
"""
import json
import os.path as osp

import pytest
import torch
from mmagic.registry import DATASETS, METRICS, MODELS
from mmengine.config import Config
from mmengine.dataset import pseudo_collate

from mmstvsr.models.archs import ModulatedDCNPack, backward_warp
from mmstvsr.utils.fast_path import (RunPath, autocast, autocast_forward, available_paths,
                                     cpu_supports_bf16, default_path, fp32_region, parse_precision,
                                     prepare_inputs, prepare_model)

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
DEFAULT_MODEL = osp.join(ROOT, 'configs', 'cascades', 'dbpn-tiny-then-flow_x4_vimeo-septuplet.py')
TINY_S_SR = osp.join(ROOT, 'configs', 'stinet',
                     'stinet-tiny-s-sr_x4_1xb16-4k_vimeo-septuplet-frames.py')
TINY_S_SR_WEIGHTS = osp.join(ROOT, 'checkpoints', 'stinet-tiny-s-sr_x4_bundled.pth')
#: Its results on the test clips, recorded with tools/test.py in fp32 NCHW when it was published.
TINY_S_SR_RESULTS = osp.join(ROOT, 'checkpoints', 'stinet-tiny-s-sr_x4_bundled_sisr-test.json')
STINET_TINY = osp.join(ROOT, 'configs', 'stinet',
                       'stinet-tiny-frozen-s-sr_x4_1xb2-1k_vimeo-septuplet.py')
VIMEO = osp.join(ROOT, 'tests', 'data', 'vimeo_septuplet')
#: The quality guard: Y-PSNR change against fp32 NCHW, in dB.
DEFAULT_PATH_BOUND = 0.005
BF16_BOUND = 0.02
needs_bf16 = pytest.mark.skipif(not cpu_supports_bf16(), reason='this CPU has no native bf16')


# ------------------------------------------------------------------ the interface
@pytest.mark.parametrize('text, precision', [('fp32', 'fp32'), ('BF16', 'bf16'),
                                             ('bfloat16', 'bf16'), (' half ', 'fp16')])
def test_parse_precision(text, precision):
    assert parse_precision(text) == precision


def test_parse_errors_name_the_choices():
    with pytest.raises(ValueError, match=r"^unknown precision 'fp8': choose one of fp32, bf16, "
                       r'fp16$'):
        parse_precision('fp8')
    with pytest.raises(ValueError, match='fp32, bf16, fp16'):
        RunPath('int8', False)


def test_paths_of_the_cpu():
    assert [p.name for p in (RunPath('fp32', False), RunPath('bf16', True))] == ['fp32', 'bf16-cl']
    names = [p.name for p in available_paths('cpu')]
    assert names[:2] == ['fp32', 'fp32-cl'] and not any('fp16' in n for n in names)
    assert ('bf16-cl' in names) == cpu_supports_bf16()
    assert default_path('cpu') == RunPath('fp32', True)
    assert [p.name for p in available_paths('cuda')][:4] == ['fp32', 'fp32-cl', 'fp16', 'fp16-cl']
    assert default_path(torch.device('cuda'), 'fp16').name == 'fp16-cl'
    with pytest.raises(ValueError, match=r'^precision fp16 is not available on cpu .*: use '
                       '--precision fp32$'):
        default_path('cpu', 'fp16')


def test_prepare_model_keeps_parameters_and_mode():
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.Linear(2, 2)).eval()
    params = list(model.parameters())
    values = [p.detach().clone() for p in params]
    assert prepare_model(model, RunPath('fp32', True)) is model and not model.training
    assert all(a is b and torch.equal(a, v) for a, b, v in zip(model.parameters(), params, values))
    assert model[0].weight.is_contiguous(memory_format=torch.channels_last)
    prepare_model(model, RunPath('fp32', False))
    assert model[0].weight.is_contiguous()


def test_prepare_inputs_converts_4d_only():
    path = RunPath('fp32', True)
    frames = torch.rand(1, 3, 3, 8, 8)  # (B, T, C, H, W): T is not a channel axis
    assert prepare_inputs(frames, path) is frames
    image = prepare_inputs(torch.rand(2, 3, 8, 8), path)
    assert image.is_contiguous(memory_format=torch.channels_last)
    assert prepare_inputs(image, RunPath('fp32', False)) is image


def test_autocast_only_for_low_precision():
    with autocast(RunPath('fp32', True), 'cpu'):
        assert not torch.is_autocast_enabled('cpu')
    with autocast(RunPath('bf16', True), 'cpu'):
        assert torch.is_autocast_enabled('cpu')
        assert torch.get_autocast_dtype('cpu') == torch.bfloat16


@needs_bf16
def test_autocast_forward_returns_float32_and_can_be_undone():
    conv = torch.nn.Conv2d(3, 3, 3)
    autocast_forward(conv, RunPath('bf16', True), 'cpu')
    autocast_forward(conv, RunPath('bf16', True), 'cpu')  # replaces, does not nest
    assert conv(torch.rand(1, 3, 8, 8)).dtype == torch.float32
    assert not torch.is_autocast_enabled('cpu')
    autocast_forward(conv, RunPath('fp32', False), 'cpu')
    assert 'forward' not in conv.__dict__


# ------------------------------------------------------------------ fp32 regions
def test_fp32_region_keeps_float32_and_float64():
    seen = []

    @fp32_region
    def op(x):
        seen.append((x.dtype, torch.is_autocast_enabled('cpu')))
        return x * 2

    assert op(torch.ones(2, dtype=torch.float64)).dtype == torch.float64
    with torch.autocast('cpu', dtype=torch.bfloat16):
        assert op(torch.ones(2, dtype=torch.bfloat16)).dtype == torch.bfloat16
        assert op(torch.ones(2)).dtype == torch.float32
    assert seen == [(torch.float64, False), (torch.float32, False), (torch.float32, False)]


@needs_bf16
def test_deformable_conv_runs_under_bf16_autocast():
    """torchvision has no bf16 CPU kernel ("deformable_im2col" not implemented for 'BFloat16')."""
    torch.manual_seed(0)
    dcn = ModulatedDCNPack(8, 8, 3, padding=1, deform_groups=2).eval()
    torch.nn.init.normal_(dcn.conv_offset.weight, std=0.1)  # offsets of a few pixels
    x, feat = torch.rand(1, 8, 12, 12), torch.rand(1, 8, 12, 12)
    with torch.no_grad():
        ref = dcn(x, feat)
        with torch.autocast('cpu', dtype=torch.bfloat16):
            out = dcn(x.bfloat16(), feat)
    assert out.dtype == torch.bfloat16
    assert (out.float() - ref).abs().max() < 0.05 * ref.abs().max()


@needs_bf16
@pytest.mark.parametrize('grid', ['exact', 'authors'])
def test_warps_sample_at_float32_positions_under_bf16_autocast(grid):
    """A bf16 feature (e.g. a convolution's output) warped under autocast: sampling grids in bf16
    are off by a pixel beyond 256 pixels (bf16 has 8 significant bits)."""
    ramp = torch.arange(300.).expand(1, 1, 4, 300)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        feature = torch.nn.functional.conv2d(ramp, torch.ones(1, 1, 1, 1))
        flow = torch.zeros(1, 2, 4, 300, dtype=torch.bfloat16)
        out = backward_warp(feature, flow, grid=grid)
        ref = backward_warp(feature.float(), flow.float(), grid=grid)
    assert feature.dtype == out.dtype == torch.bfloat16 and ref.dtype == torch.float32
    assert torch.equal(out, ref.bfloat16())
    if grid == 'exact':  # a zero flow gives the image back
        assert torch.equal(out, feature)


# ------------------------------------------------------------------ channels_last
def test_channels_last_equals_nchw_on_the_default_model():
    cfg = Config.fromfile(DEFAULT_MODEL)
    model = MODELS.build(cfg.model)
    model.init_without_checkpoint(DEFAULT_MODEL, 'CHECKPOINT')
    model.eval()
    torch.manual_seed(0)
    inputs = torch.rand(1, 4, 3, 24, 32)
    flows = {k: torch.randn(1, 3, 2, 24, 32) for k in model.extra_inputs}
    times = torch.tensor([0.5])
    with torch.no_grad():
        ref = model.predict_window(inputs, times, flows)
        prepare_model(model, default_path('cpu'))
        out = model.predict_window(inputs, times, flows)
    assert model.generator.upsample.conv_rgb.conv.weight.is_contiguous(
        memory_format=torch.channels_last)
    torch.testing.assert_close(out, ref, rtol=0, atol=1e-5)


@needs_bf16
def test_tiny_stinet_runs_under_bf16_autocast():
    """STINet's deformable convolutions (ST-LR, ST-GR) and warps run on the bf16 path; seeded
    weights (no trained tiny STINet ships), so the outputs are compared with fp32 ones."""
    cfg = Config.fromfile(STINET_TINY)
    model = MODELS.build(cfg.model)
    torch.manual_seed(0)
    model.init_weights()
    model.eval()
    inputs = torch.rand(1, 4, 3, 16, 16)
    flows = {k: torch.randn(1, 3, 2, 16, 16) for k in model.extra_inputs}
    times = torch.tensor([0.5])
    with torch.no_grad():
        ref = model.predict_window(inputs, times, flows)
        path = RunPath('bf16', True)
        prepare_model(model, path)
        with autocast(path, 'cpu'):
            out = model.predict_window(inputs, times, flows)
    assert out.dtype == torch.bfloat16 and torch.isfinite(out).all()
    assert (out.float() - ref).abs().mean() < 0.01 * ref.abs().mean()


# ------------------------------------------------------------------ quality guard
def _test_set(cfg):
    cfg.test_dataloader.dataset.data_root = VIMEO
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    return [pseudo_collate([dataset[i]]) for i in range(len(dataset))]


def _y_psnr(model, batches, path):
    """Mean Y-PSNR over the test clips of ``model`` run on ``path`` (as tools/test.py does)."""
    prepare_model(model, path)
    autocast_forward(model.generator, path, 'cpu')
    metric = METRICS.build(dict(type='STVSRMetric', table_rows=None))
    with torch.no_grad():
        for batch in batches:
            metric.process(batch, [sample.to_dict() for sample in model.test_step(batch)])
    return metric.compute_metrics(metric.results)['Y-PSNR']


def _check_quality(model, batches, reference=None):
    """The default and bf16 paths against ``reference``, the fp32 NCHW Y-PSNR (computed when
    None)."""
    if reference is None:
        reference = _y_psnr(model, batches, RunPath('fp32', False))
    default = _y_psnr(model, batches, default_path('cpu'))
    assert abs(default - reference) <= DEFAULT_PATH_BOUND, (default, reference)
    if cpu_supports_bf16():
        bf16 = _y_psnr(model, batches, default_path('cpu', 'bf16'))
        assert abs(bf16 - reference) <= BF16_BOUND, (bf16, reference)


def test_quality_of_the_default_model_on_each_path():
    cfg = Config.fromfile(DEFAULT_MODEL)
    model = MODELS.build(cfg.model)
    model.init_without_checkpoint(DEFAULT_MODEL, 'CHECKPOINT')
    _check_quality(model.eval(), _test_set(cfg))


def test_quality_of_the_tiny_s_sr_dbpn_on_each_path():
    cfg = Config.fromfile(TINY_S_SR)
    cfg.model.generator.init_cfg = dict(type='Pretrained', checkpoint=TINY_S_SR_WEIGHTS,
                                        prefix='generator.')
    model = MODELS.build(cfg.model)
    model.init_weights()
    with open(TINY_S_SR_RESULTS, encoding='utf-8') as f:
        reference = json.load(f)['metrics']['Y-PSNR']  # fp32 NCHW (31.9173 dB)
    _check_quality(model.eval(), _test_set(cfg), reference)
