"""Dual-Stream Fusion Network: the authors-compatible config reproduces the authors' own code.

``tests/data/golden/dsfn.npz`` holds what the authors' ``STSR`` (TMYuan/Dual-Stream-Fusion-Network,
ESPCN + Super SloMo, two masks, ``resblock`` refinement on the fused frame; see
``tests/data/golden/README.md``) computed in float64 for name-seeded weights on two real LR frames
of a bundled septuplet (20x35, not multiples of 32, so that the padding matters), and what their
Super SloMo ``backWarp`` gives for a random flow. Our model is built from ``dsfn-authors``, given
the same weights through the checkpoint converter, and run through its data preprocessor.
"""
import copy
import importlib.util
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch
from golden import assert_close, load_golden, seeded_state_dict
from mmagic.registry import MODELS
from mmagic.structures import DataSample
from mmengine.config import Config

from mmstvsr.models.archs import backward_warp, crop_padding, multiple_padding, pad_to_multiple
from mmstvsr.models.editors.dsfn.checkpoint_conversion import convert_dsfn_state_dict

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(ROOT, 'configs/dsfn/dsfn-authors_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py')
DEFAULT = osp.join(ROOT, 'configs/dsfn/dsfn_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py')
TOOL = osp.join(ROOT, 'tools/model_converters/dsfn_to_mmstvsr.py')
# the authors' STSR outputs -> (our generator output, index along its frame axis)
OUTPUTS = {
    'I_L_2': ('lr_mid', 0),
    'I_H_1': ('hr_keys', 0),
    'I_H_3': ('hr_keys', 1),
    'I_TS_2': ('hr_ts', 0),
    'I_ST_2': ('hr_st', 0),
    'I_F_2': ('hr_fused', 0),
    'mask_1': ('mask_ts', 0),
    'mask_2': ('mask_st', 0),
    'I_R_basic': ('hr_fused', 0),
    'I_R_2': ('hr_refined', 0),
}


@pytest.fixture(scope='module')
def golden():
    return load_golden('dsfn')


@pytest.fixture(scope='module')
def weights(golden):
    """The name-seeded weights of the authors' layout, converted to our keys."""
    return convert_dsfn_state_dict(seeded_state_dict(golden['layout']))


def build_model(weights, config=CONFIG, dtype=torch.float64):
    """Our model from ``config`` in ``dtype`` with the converted weights (strict)."""
    model = MODELS.build(Config.fromfile(config).model).to(dtype)
    model.generator.load_state_dict(weights, strict=True)
    return model.eval()


def run(model, golden, dtype=torch.float64):
    """The recorded LR frames (in [0, 1]) as 0-255 RGB through the data preprocessor and the
    model; the generator's outputs."""
    frames = torch.from_numpy(golden['inputs'][0]) * 255
    sample = DataSample(metainfo=dict(img_channel_order='rgb'))
    data = model.data_preprocessor(dict(inputs=[frames], data_samples=[sample]))
    with torch.no_grad():
        return model(data['inputs'].to(dtype), data['data_samples'], mode='tensor',
                     return_aux=True)


def ours(out, name):
    key, index = OUTPUTS[name]
    return out[key][:, index]


@pytest.fixture(scope='module')
def model64(weights):
    return build_model(weights)


@pytest.fixture(scope='module')
def outputs64(golden, model64):
    return run(model64, golden)


@pytest.mark.parametrize('name', list(OUTPUTS))
def test_outputs_match_the_authors_code(golden, outputs64, name):
    assert_close(ours(outputs64, name), golden[name], rel=1e-6, what=name)


def test_the_output_frames_are_the_refined_middle_frame(golden, outputs64):
    frames = outputs64['frames']
    assert frames.shape[1] == 3
    assert_close(frames[:, 1], golden['I_R_2'], rel=1e-6, what='frames[:, 1]')
    assert_close(frames[:, 0], golden['I_H_1'], rel=1e-6, what='frames[:, 0]')


def test_test_step_predicts_the_authors_frames(golden, model64):
    """``test_step``, the Runner's test path (``tools/test.py``) without the dataset: the
    authors' HR key frames and refined middle frame, x 255, clamped, as ``pred_img`` (BGR)."""
    frames = torch.from_numpy(golden['inputs'][0]) * 255
    sample = DataSample(metainfo=dict(img_channel_order='rgb'))
    with torch.no_grad():
        pred = model64.test_step(dict(inputs=[frames], data_samples=[sample]))
    ours = pred[0].output.pred_img.flip(-3)  # predict mode gives BGR
    for index, name in enumerate(('I_H_1', 'I_R_2', 'I_H_3')):
        theirs = (torch.from_numpy(golden[name][0]) * 255).clamp(0, 255)
        assert (ours[index] - theirs).abs().max().item() < 1e-4, name


def test_float32_matches_within_rounding(golden, model64):
    out = run(copy.deepcopy(model64).float(), golden, torch.float32)
    assert out['frames'].dtype == torch.float32
    for name in OUTPUTS:
        assert_close(ours(out, name), golden[name], rel=1e-4, what=f'{name} (float32)')


def test_the_paper_faithful_default_does_not_match(golden, weights):
    """The warp and padding options matter: the default config is far from the authors' code."""
    out = run(build_model(weights, config=DEFAULT), golden)
    for name in ('I_L_2', 'I_ST_2', 'I_R_2'):
        diff = (ours(out, name) - torch.from_numpy(golden[name])).abs().max().item()
        assert diff > 1e-3, f'{name}: the default config is within {diff:.1e} of the authors'


def test_backward_warp_matches_the_authors_backwarp(golden):
    img = torch.from_numpy(golden['warp_img'])
    flow = torch.from_numpy(golden['warp_flow'])
    assert_close(backward_warp(img, flow, grid='authors', padding_mode='zeros'),
                 golden['warp_out'], rel=1e-12, what='warp')
    zero = torch.zeros_like(flow)
    assert_close(backward_warp(img, zero, grid='authors', padding_mode='zeros'),
                 golden['warp_out_zero'], rel=1e-12, what='warp of a zero flow')
    # theirs does not give the frame back for a zero flow, the exact grid does
    assert (torch.from_numpy(golden['warp_out_zero']) - img).abs().max() > 0.01
    torch.testing.assert_close(backward_warp(img, zero), img, rtol=0, atol=1e-12)


def test_unknown_options_are_refused_with_the_choices():
    with pytest.raises(ValueError, match=r"warp must be one of \('exact', 'authors'\)"):
        MODELS.build(dict(type='SuperSloMoNet', base_channels=4, num_levels=3, warp='pytorch'))
    with pytest.raises(ValueError, match=r"ycbcr_inverse must be one of \('exact', 'authors'\)"):
        MODELS.build(dict(type='SpatialUpsampler', backbone=dict(type='ESPCNNet'), colour='y',
                          ycbcr_inverse='matlab'))
    with pytest.raises(ValueError, match=r"grid must be one of \('exact', 'authors'\)"):
        backward_warp(torch.zeros(1, 1, 2, 2), torch.zeros(1, 2, 2, 2), grid='pixel')


def test_centre_padding_is_the_authors_and_crops_back(golden):
    # the authors' _forward_SSM / _forward_merge: left = int((W_pad - W) / 2), right the rest
    assert multiple_padding((20, 35), 32, centre=True) == (14, 15, 6, 6)
    assert multiple_padding((40, 70), 32, centre=True) == (13, 13, 12, 12)
    assert multiple_padding((20, 35), 32) == (0, 29, 0, 12)
    lrs = torch.from_numpy(golden['inputs'])  # (1, 2, 3, 20, 35)
    padded = pad_to_multiple(lrs, 32, centre=True)
    assert padded.shape[-2:] == (32, 64)
    assert torch.equal(padded[..., 6:26, 14:49], lrs)
    assert torch.equal(padded[..., :6, 14:49], lrs[..., :1, :].expand(-1, -1, -1, 6, -1))
    for ratio in (1, 2):  # outputs at the input size or at a scale of it
        out = torch.nn.functional.interpolate(padded[0], scale_factor=ratio, mode='nearest')
        assert torch.equal(crop_padding(out, (20, 35), 32, centre=True),
                           torch.nn.functional.interpolate(lrs[0], scale_factor=ratio))


def _authors_names(golden):
    """Our key -> the authors' key, by converting the recorded layout's key names."""
    inverse = convert_dsfn_state_dict({k: k for k in golden['layout']})
    assert len(set(inverse.values())) == len(inverse)
    return inverse


def test_converter_round_trip(golden):
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(CONFIG).model)
    state = model.generator.state_dict()
    names = _authors_names(golden)
    assert set(names) == set(state), 'our keys and the authors\' keys do not correspond one to one'
    # the whole model as train.py saves it, here through DataParallel (module.)
    authors = {'module.' + names[k]: v for k, v in state.items()}
    fresh = MODELS.build(Config.fromfile(CONFIG).model).generator
    fresh.load_state_dict(convert_dsfn_state_dict(authors), strict=True)
    for key, value in fresh.state_dict().items():
        assert torch.equal(value, state[key]), key
    # ESPCN.pth and SuperSloMo.pth alone (test_model.py --sr_weight / --it_weight)
    for part, prefix, ours_prefix in (('sr', 'sr_model.', 'spatial.backbone.'),
                                      ('it', 'it_model.', 'temporal.backbone.')):
        alone = {names[k][len(prefix):]: v for k, v in state.items() if k.startswith(ours_prefix)}
        assert alone
        for converted in (convert_dsfn_state_dict(alone),
                          convert_dsfn_state_dict(alone, part)):
            assert set(converted) == {k for k in state if k.startswith(ours_prefix)}
            assert all(torch.equal(v, state[k]) for k, v in converted.items())


def test_super_slomo_vgg_is_dropped_and_foreign_keys_refused(golden):
    vgg = [k for k in golden['layout'] if k.startswith('it_model.vgg.')]
    assert vgg and not any('vgg' in k for k in convert_dsfn_state_dict({k: k for k in vgg + [
        'sr_model.conv1.weight']}).values())
    with pytest.raises(KeyError, match='unknown key in the DSFN checkpoint'):
        convert_dsfn_state_dict({'sr_model.conv1.weight': 0, 'sr_model.conv5.weight': 0})
    with pytest.raises(KeyError, match='no key of the DSFN'):
        convert_dsfn_state_dict({'conv_first.weight': 0})


def _tool_main(monkeypatch, *args):
    """The converter tool's ``main`` in this process, with ``args`` as its command line."""
    monkeypatch.syspath_prepend(osp.dirname(TOOL))  # its folder, first on sys.path when run
    spec = importlib.util.spec_from_file_location('dsfn_to_mmstvsr', TOOL)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    monkeypatch.setattr(sys, 'argv', [TOOL, *map(str, args)])
    tool.main()


def test_tool_converts_the_readme_files_and_refuses_foreign_files(tmp_path, monkeypatch, golden):
    names = _authors_names(golden)
    tiny = {a: torch.full((1, ), float(i)) for i, a in enumerate(sorted(names.values()))}
    files = {
        'stsr': tiny,
        'sr': {k[len('sr_model.'):]: -v for k, v in tiny.items() if k.startswith('sr_model.')},
        'it': {k[len('it_model.'):]: -v for k, v in tiny.items() if k.startswith('it_model.')},
        'foreign': {'conv_first.weight': torch.zeros(1)},
    }
    for name, state in files.items():
        torch.save(state, tmp_path / f'{name}.pth')
    # the README's evaluation: STSR_best.pth with M_S and M_T from ESPCN.pth / SuperSloMo.pth
    dst = tmp_path / 'out.pth'
    _tool_main(monkeypatch, tmp_path / 'stsr.pth', dst, '--sr-weight', tmp_path / 'sr.pth',
               '--it-weight', tmp_path / 'it.pth')
    state = torch.load(dst, weights_only=True)['state_dict']
    assert set(state) == {'generator.' + k for k in names}
    for key, authors_key in names.items():
        sign = -1 if authors_key.startswith(('sr_model.', 'it_model.')) else 1
        assert torch.equal(state['generator.' + key], sign * tiny[authors_key]), key
    # a Super SloMo file given as ESPCN's: refused, nothing written
    bad = tmp_path / 'bad.pth'
    with pytest.raises(SystemExit, match="it.pth is not the authors' ESPCN checkpoint"):
        _tool_main(monkeypatch, tmp_path / 'stsr.pth', bad, '--sr-weight', tmp_path / 'it.pth')
    assert not bad.exists()
    # a foreign file, as a user runs the tool: exit status != 0, one line, nothing written
    env = dict(os.environ, PYTHONWARNINGS='ignore')  # MMagic's imports warn on stderr
    refused = subprocess.run([sys.executable, TOOL, str(tmp_path / 'foreign.pth'), str(bad)],
                             capture_output=True, text=True, cwd=ROOT, env=env)
    assert refused.returncode != 0
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and "foreign.pth is not an authors' DSFN checkpoint" in lines[0], lines
    assert 'conv_first.weight' in lines[0]
    assert not bad.exists()
