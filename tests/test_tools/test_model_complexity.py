"""tools/analysis/model_complexity.py: parameter and FLOP counts checked against hand arithmetic."""
import importlib.util
import json
import os.path as osp
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


@pytest.mark.parametrize('config,params,gflops', [(BASELINE, 0, 0.321), (TINY, 21_456, 1.159)])
def test_readme_size_and_cost_table(tmp_path, config, params, gflops):
    """README "Size and cost": parameters and GFLOPs per output frame at the default input (the
    Vid4 window, 4 LR frames of 144x180)."""
    result = _complexity(tmp_path, config)
    assert result['params']['total'] == params
    assert result['flops']['flops_per_output_frame'] / 1e9 == pytest.approx(gflops, abs=5e-4)
