"""tools/analysis/model_complexity.py: parameter and FLOP counts checked against hand arithmetic,
and the README's figures (large models counted with ``--fast``, which gives the normal count)."""
import importlib.util
import json
import os.path as osp
import re
import subprocess
import sys

import pytest
import torch
from mmagic.models.editors.edvr.edvr_net import ModulatedDCNPack as MMagicModulatedDCNPack
from mmagic.registry import MODELS
from mmengine.analysis import FlopAnalyzer
from mmengine.config import Config

from mmstvsr.models.archs.modulated_dcn import ModulatedDCNPack

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = 'tools/analysis/model_complexity.py'
TINY = 'configs/baselines/residual-stvsr-tiny_x4_vimeo-septuplet.py'
BASELINE = 'configs/baselines/bicubic-flow_x4_vimeo-septuplet.py'
STINET_OFFICIAL = 'configs/stinet/stinet-official_x4_2xb15-500k_vimeo-septuplet.py'
STARNET = 'configs/starnet/starnet_x4_1xb10-70e_vimeo-triplet.py'
DSFN = 'configs/dsfn/dsfn_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py'
TINY_INPUT = ['--input-shape', '2', '16', '16']  # T=2 LR frames of 16x16 -> 3 frames of 64x64


def _run(args):
    return subprocess.run([sys.executable, TOOL] + args, cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


def _complexity(tmp_path, config, *args):
    out = tmp_path / 'complexity.json'
    res = _run([config, '--json', str(out), *args])
    assert res.returncode == 0, res.stderr[-3000:]
    assert 'total' in res.stdout
    return json.loads(out.read_text())


def _tool_module():
    spec = importlib.util.spec_from_file_location('model_complexity', osp.join(ROOT, TOOL))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def fast_count():
    """``fast_count(config, *args)``: the result of the tool's ``main([config, '--fast', *args])``,
    computed once per module (large models at full size: seconds each)."""
    cache = {}

    def count(config, *args):
        if (config, args) not in cache:
            cache[config, args] = _tool_module().main([osp.join(ROOT, config), '--fast', *args])
        return cache[config, args]

    return count


def _readme_sentence(pattern):
    """The groups of ``pattern`` in the README's text, line breaks and runs of spaces read as one
    space; fails naming the pattern when the sentence is gone."""
    with open(osp.join(ROOT, 'README.md'), encoding='utf-8') as f:
        match = re.search(pattern, ' '.join(f.read().split()))
    assert match, f'no README sentence matches {pattern!r}: update the pattern to the new wording'
    return match.groups()


def _as_printed(figure):
    """``pytest.approx`` of a README figure within half its last printed digit: '1253.4' +- 0.05,
    '316' +- 0.5 (a float from ``readme_rows`` is read back as printed)."""
    text = repr(figure) if isinstance(figure, float) else figure
    return pytest.approx(float(text), abs=0.5 * 10**-len(text.partition('.')[2]))


def _gflops_per_frame(result, module=None):
    """GFLOPs per output frame of the whole model, or of one child of its generator."""
    flops = result['flops']
    macs = flops['macs'] if module is None else flops['macs_by_module'][module]
    return 2 * macs / result['output_shape'][0] / 1e9


def _bicubic_x4_macs(planes, h, w):
    """MATLAB bicubic x4 as its einsum 'oh,...hw,pw->...op', contracted left to right."""
    return planes * (4 * h) * h * w + planes * (4 * h) * w * (4 * w)


def test_residual_tiny_counts_match_hand_arithmetic(tmp_path):
    result = _complexity(tmp_path, TINY, *TINY_INPUT)
    model = MODELS.build(Config.fromfile(osp.join(ROOT, TINY)).model)
    assert result['params']['total'] == sum(p.numel() for p in model.parameters())
    assert result['params']['trainable'] == result['params']['total']
    assert sum(result['params']['by_module'].values()) == result['params']['total']

    # ResidualSTVSRNet(mid_channels=16, num_blocks=1, scale=4), 2 inputs, 1 intermediate frame.
    # Conv MACs = output elements * in_channels * 3 * 3, all convs 3x3 at 16x16.
    t_in, t_out, c, pixels = 2, 3, 16, 16 * 16
    encoder = (t_in * c * pixels * 3 * 9  # conv 3 -> 16
               + 2 * t_in * c * pixels * c * 9)  # residual block: two convs 16 -> 16
    fuse = 1 * c * pixels * (2 * c + 1) * 9  # conv 33 -> 16 at the intermediate time
    decoder = (2 * t_out * c * pixels * c * 9  # residual block
               + t_out * 3 * 16 * pixels * c * 9)  # conv 16 -> 3 * 4 * 4, then PixelShuffle
    reference = _bicubic_x4_macs(t_in * 3, 16, 16)  # counted; the blending is element-wise
    flops = result['flops']
    assert flops['macs_by_module'] == dict(
        reference=reference, encoder=encoder, fuse=fuse, decoder=decoder)
    macs = reference + encoder + fuse + decoder
    assert flops['macs'] == macs == 13_135_872
    assert flops['flops'] == 2 * macs
    assert flops['flops_per_output_frame'] == pytest.approx(2 * macs / t_out)
    assert result['output_shape'] == [t_out, 64, 64]


def test_bicubic_flow_has_no_parameters(tmp_path):
    result = _complexity(tmp_path, BASELINE, *TINY_INPUT)
    assert result['params']['total'] == 0 and result['params']['trainable'] == 0
    # bicubic x4 of 2 RGB frames; flows (1 gap, 2 channels, both directions) upsampled to 64x64
    # bilinearly and the two neighbours warped with grid_sample: 4 per output element each
    upsample_flows = 2 * 2 * 64 * 64 * 4
    warp = 2 * 3 * 64 * 64 * 4
    assert result['flops']['macs'] == _bicubic_x4_macs(2 * 3, 16, 16) + upsample_flows + warp


def test_stinet_official_parameter_count(tmp_path):
    result = _complexity(tmp_path, STINET_OFFICIAL, '--params-only')
    assert result['params']['total'] == 11_761_602
    assert result['params']['by_module']['initializer'] == 7_345_830  # frozen D-DBPN
    assert result['params']['trainable'] == 11_761_602 - 7_345_830
    assert result['flops'] is None


def test_bad_input_shape():
    res = _run([TINY, '--input-shape', '1', '16', '16'])
    assert res.returncode != 0 and 'needs T >= 2 frames' in res.stderr


def test_einsum_macs():
    einsum_macs = _tool_module().einsum_macs
    # left to right: (o,h) x (b,c,h,w) -> b*c*o*h*w MACs; then (b,c,o,w) x (p,w) -> b*c*o*w*p
    assert einsum_macs('oh,...hw,pw->...op', [(8, 2), (5, 3, 2, 4), (6, 4)]) == \
        15 * 8 * 2 * 4 + 15 * 8 * 4 * 6
    assert einsum_macs('oh,...hw,pw->...op', [(64, 16), (6, 16, 16), (64, 16)]) == \
        _bicubic_x4_macs(6, 16, 16)
    assert einsum_macs('ij,jk', [(2, 3), (3, 4)]) == 2 * 3 * 4  # implicit output 'ik'
    assert einsum_macs('bij,bjk->bik', [(5, 2, 3), (5, 3, 4)]) == 5 * 2 * 3 * 4
    assert einsum_macs('...ij,jk->...ik', [(1, 2, 3), (3, 4)]) == 2 * 3 * 4
    assert einsum_macs('ii->i', [(3, 3)]) == 0


@pytest.mark.parametrize('pack', [MMagicModulatedDCNPack, ModulatedDCNPack])
def test_modulated_deformable_conv_handle(pack):
    """MMagic's pack (mmcv's operator) and ours (torchvision's) are counted alike."""
    tool = _tool_module()
    dcn = pack(8, 8, 3, padding=1, deform_groups=2)
    feat = torch.rand(1, 8, 6, 5)
    analyzer = tool.add_dcn_handles(FlopAnalyzer(dcn, (feat, feat)))
    analyzer.unsupported_ops_warnings(False)
    pixels = 6 * 5
    offset_conv = pixels * 2 * 3 * 9 * 8 * 9  # 3x3 conv 8 -> deform_groups * 3 * 3x3 channels
    dense = pixels * 8 * 8 * 9  # the equivalent 3x3 conv 8 -> 8
    sampling = pixels * 8 * 9 * 4  # 4 MACs per bilinear sample of 8 channels x 9 taps
    with torch.no_grad():
        assert analyzer.total() == offset_conv + dense + sampling
    assert set(analyzer.unsupported_ops()) == {'aten::sigmoid'}  # the mask, element-wise


@pytest.mark.parametrize('config,params', [(BASELINE, 0), (TINY, 21_456),
                                           (STINET_OFFICIAL, 11_761_602)])
def test_readme_size_and_cost_table(readme_rows, fast_count, config, params):
    """README "Size and cost": parameters and GFLOPs per output frame at the default input (the
    Vid4 window, 4 LR frames of 144x180), counted with --fast (STINet: minutes without)."""
    # the table's row is the config's only README row with one number (the Speed table has four)
    [[gflops]] = [row for row in readme_rows(f"`{config.partition('/')[2]}`") if len(row) == 1]
    result = fast_count(config)
    assert result['params']['total'] == params
    assert _gflops_per_frame(result) == _as_printed(gflops)


@pytest.mark.parametrize('config', [BASELINE, TINY])
def test_fast_count_equals_normal_count_at_the_default_input(fast_count, config):
    """The table's models cheap enough to count both ways at its full size: --fast gives the
    normal count, operator by operator and module by module."""
    assert _tool_module().main([osp.join(ROOT, config)])['flops'] == fast_count(config)['flops']


def test_readme_stinet_cost_by_part(fast_count):
    """README "Size and cost": STINet's dense DBPN, ST-FI and ST-LR, per output frame."""
    figures = _readme_sentence(r"STINet's cost is dominated by the dense DBPN \((\d+) GFLOPs per "
                               r'output frame\), ST-FI \((\d+):[^)]*\) and ST-LR \((\d+)\)')
    result = fast_count(STINET_OFFICIAL)
    for module, figure in zip(['initializer', 'stfi', 'stlr'], figures):
        assert _gflops_per_frame(result, module) == _as_printed(figure), module


def test_readme_starnet_cost(fast_count):
    """README "Size and cost": STARnet on a Vimeo triplet, total and its largest parts (the
    config and input are read from the sentence, the command it prints)."""
    config, shape, params, total, rbpn, hr_tsr, refiner = _readme_sentence(
        r'STARnet \(`(starnet/\S+\.py) --input-shape (\d+ \d+ \d+)`, a Vimeo-90K triplet\): '
        r'([\d,]+) parameters, ([\d.]+) GFLOPs per output frame \(of 3 at 256x448\), mostly '
        r'RBPN \((\d+)\), the HR T-SR path \((\d+)\) and NetF / NetB \((\d+) each\)')
    assert config == STARNET.partition('/')[2]
    result = fast_count(STARNET, '--input-shape', *shape.split())
    assert result['output_shape'] == [3, 256, 448]
    assert result['params']['total'] == int(params.replace(',', ''))
    assert _gflops_per_frame(result) == _as_printed(total)
    for module, figure in [('spatial_sr', rbpn), ('hr_temporal_sr', hr_tsr),
                           ('forward_refiner', refiner), ('backward_refiner', refiner)]:
        assert _gflops_per_frame(result, module) == _as_printed(figure), module


def test_readme_dsfn_cost(fast_count):
    """README, DSFN section: the default model's parameters and GFLOPs per output frame on a
    Vimeo triplet (the input is read from the command the sentence prints)."""
    params, total, shape = _readme_sentence(
        r'The default model has ([\d,]+) parameters: .*? It costs ([\d.]+) GFLOPs per output '
        r'frame on a Vimeo triplet \(`tools/analysis/model_complexity.py CONFIG --input-shape '
        r'(\d+ \d+ \d+)`\)')
    result = fast_count(DSFN, '--input-shape', *shape.split())
    assert result['output_shape'] == [3, 256, 448]
    assert result['params']['total'] == int(params.replace(',', ''))
    assert _gflops_per_frame(result) == _as_printed(total)


@pytest.mark.parametrize('config,shape', [(TINY, [2, 16, 16]), (BASELINE, [2, 16, 16]),
                                          (STINET_OFFICIAL, [2, 4, 4]), (STARNET, [2, 4, 4]),
                                          (DSFN, [2, 8, 8])])
def test_fast_count_equals_normal_count(config, shape):
    """--fast gives the normal count operator by operator and module by module (the uncounted
    operators too) on every model whose figures the README gives, at an input small enough for
    the normal count to take seconds."""
    tool = _tool_module()
    model = tool.build_model(osp.join(ROOT, config), None)
    fast = tool.count_flops(model, shape, 'cpu', fast=True)
    assert fast == tool.count_flops(model, shape, 'cpu')
    assert fast['macs'] > 0


LOST_OPERATOR_CHECK = r"""
import importlib.util, os.path as osp, sys
import pytest, torch, torch.nn as nn
from mmengine.analysis import FlopAnalyzer
ROOT, TOOL, TINY = sys.argv[1:4]
spec = importlib.util.spec_from_file_location('model_complexity', osp.join(ROOT, TOOL))
tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tool)
real = tool.ShapeOnlyMode._convolution

def untraced(mode, *args):
    meta = tool._meta_outputs(torch.ops.aten.convolution.default, args, {})
    return mode._uncomputed_like(meta, torch.device('cpu'))

tool.ShapeOnlyMode._convolution = untraced
mode = tool.ShapeOnlyMode()
net = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU()).eval()
analyzer = FlopAnalyzer(net, (torch.rand(1, 3, 32, 32), ))  # 8 x 32 x 32 > SMALL_NUMEL
analyzer.set_op_handle('prim::Constant', mode.constant_handle)
with mode, torch.no_grad(), pytest.raises(RuntimeError, match='--fast lost an operator'):
    analyzer.total()
model = tool.build_model(osp.join(ROOT, TINY), None)
with pytest.raises(RuntimeError, match='count without --fast'):
    tool.count_flops(model, [2, 16, 16], 'cpu', fast=True)
print('CHECKED')
"""


def test_fast_reports_an_operator_lost_from_the_trace():
    """A convolution answered without the _convolution that the trace records: its uncomputed
    output, a constant of the trace, stops the count; so does a trace that fails with it. In a
    fresh interpreter: after such an aborted analysis PyTorch's jit tracer fails later traces of
    the same process (the tool exits after this error anyway)."""
    run = subprocess.run([sys.executable, '-c', LOST_OPERATOR_CHECK, ROOT, TOOL, TINY], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and 'CHECKED' in run.stdout, run.stderr[-3000:]


def test_fast_needs_no_device(capsys):
    with pytest.raises(SystemExit):
        _tool_module().parse_args([TINY, '--fast', '--device', 'meta'])
    assert 'drop --device' in capsys.readouterr().err
