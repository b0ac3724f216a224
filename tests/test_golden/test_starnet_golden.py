"""STARnet: the authors-compatible configs reproduce the outputs of the authors' own code.

``tests/data/golden/starnet.npz`` holds what the authors' networks (alterzero/STARnet, see
``tests/data/golden/README.md``) computed in float64 for name-seeded weights on two real LR frames
of a bundled clip, with the input flows their data pipeline computed (pyflow): V4 with flow
refinement (``FBPNSR_RBPN_V4_REF``, on 32x32 LR frames, the least their flow U-Net takes) and V4,
V1, V2, V3 without it (``FBPNSR_RBPN_V*``, on 8x32 LR frames of the same clip, to keep the file
small). Here our model is built from ``starnet-authors`` / ``starnet-wo-fr-authors`` (V1-V3: with
the generator ``type`` of their paper-faithful configs), given the same weights through the
checkpoint converter and run through the data preprocessor, as ``tools/test.py`` runs it.
"""
import copy
import json
import os.path as osp

import numpy as np
import pytest
import torch
from golden import IMAGENET_MEAN, IMAGENET_STD, assert_close, load_golden, seeded_state_dict
from mmagic.registry import MODELS, TRANSFORMS
from mmengine.config import Config
from PIL import Image

from mmstvsr.models.editors.starnet.checkpoint_conversion import convert_starnet_state_dict
from mmstvsr.utils.flow import normalize_flow

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = osp.join(ROOT, 'configs', 'starnet')
AUTHORS = 'starnet-authors_x4_1xb10-70e_vimeo-triplet.py'
AUTHORS_WO_FR = 'starnet-wo-fr-authors_x4_1xb10-70e_vimeo-triplet.py'
PAPER = 'starnet_x4_1xb10-70e_vimeo-triplet.py'
#: the authors' network -> (our config, paper-faithful config of the variant, recorded input)
NETS = {
    'v4_ref': (AUTHORS, None, 'lr_32x32'),
    'v4': (AUTHORS_WO_FR, None, 'lr_8x32'),
    'v1': (AUTHORS_WO_FR, 'starnet-v1_x4_1xb10-70e_vimeo-triplet.py', 'lr_8x32'),
    'v2': (AUTHORS_WO_FR, 'starnet-v2_x4_1xb10-70e_vimeo-triplet.py', 'lr_8x32'),
    'v3': (AUTHORS_WO_FR, 'starnet-v3_x4_1xb10-70e_vimeo-triplet.py', 'lr_8x32'),
}
#: their outputs (``pred_h1``, ``pred_ht``, ``pred_h2``, ``pred_l``) -> ours
HR_FRAMES = ('h1', 'ht', 'h2')


@pytest.fixture(scope='module')
def golden():
    return load_golden('starnet')


def model_config(name):
    """The config of the authors' network ``name``: the authors-compatible config, with the
    generator settings in which the variant's paper-faithful config differs from STAR's."""
    config, variant, _ = NETS[name]
    cfg = Config.fromfile(osp.join(CONFIGS, config))
    if variant is not None:
        star = Config.fromfile(osp.join(CONFIGS, PAPER)).model.generator
        changed = {k: v for k, v in Config.fromfile(osp.join(CONFIGS, variant)).model.generator
                   .items() if star.get(k) != v}
        assert changed, variant
        cfg.model.generator.update(changed)
    return cfg


def build_model(golden, name):
    """Our float64 model for the authors' network ``name`` with its name-seeded weights.

    Built with float64 as the default dtype, so that the weights and the data preprocessor's
    mean and std are float64 from the start (not float32 values converted).
    """
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        model = MODELS.build(model_config(name).model)
    finally:
        torch.set_default_dtype(default)
    weights = convert_starnet_state_dict(seeded_state_dict(golden[f'layout_{name}']))
    model.generator.load_state_dict(weights, strict=True)
    return model.eval()


def preprocess(model, golden, tag, dtype=torch.float64):
    """The recorded RGB frames and pixel flows of input ``tag``, packed by the config's
    ``PackInputs`` step and passed through the model's data preprocessor."""
    pack = next(s for s in Config.fromfile(osp.join(CONFIGS, AUTHORS)).test_pipeline
                if s['type'] == 'PackInputs')
    packed = TRANSFORMS.build(pack)(dict(
        img=list(golden[tag]), img_channel_order='rgb',
        flow_fwd=torch.from_numpy(golden[f'{tag}_flow_fwd_px']).to(dtype),
        flow_bwd=torch.from_numpy(golden[f'{tag}_flow_bwd_px']).to(dtype)))
    data = model.data_preprocessor(
        dict(inputs=[packed['inputs'].to(dtype)], data_samples=[packed['data_samples']]))
    assert data['inputs'].dtype == dtype and data['data_samples'].flow_fwd.dtype == dtype
    return data


def theirs(golden, name, suffix=''):
    """Their outputs as ours: HR frames ``(3, 3, H, W)`` and the LR in-between ``(1, 3, h, w)``."""
    hr = np.stack([golden[f'{name}_{k}{suffix}'] for k in HR_FRAMES])
    return hr, golden[f'{name}_l{suffix}'][None]


def run(model, golden, tag, mode='tensor', dtype=torch.float64):
    """The model's outputs on input ``tag``: tensor mode with the stage outputs, or predict."""
    data = preprocess(model, golden, tag, dtype)
    with torch.no_grad():
        if mode == 'predict':
            return model(**data, mode='predict')
        return model(**data, mode='tensor', return_aux=True)


@pytest.fixture(scope='module')
def v4_ref(golden):
    """The V4 + FR model and its float64 outputs."""
    model = build_model(golden, 'v4_ref')
    return model, run(model, golden, 'lr_32x32')


@pytest.fixture(scope='module')
def v4(golden):
    """The V4 model (without FR) and its float64 outputs."""
    model = build_model(golden, 'v4')
    return model, run(model, golden, 'lr_8x32')


@pytest.fixture(scope='module')
def v4_float32(v4):
    """The V4 model in float32 (ten times faster than float64 on CPU)."""
    return copy.deepcopy(v4[0]).float()


def test_inputs_are_made_the_authors_way(golden):
    """The recorded LR frames are their ``load_img_test``'s: the HR crop of the bundled clip,
    PIL's bicubic resize to a quarter."""
    source = json.loads(str(golden['source']))
    clip = osp.join(ROOT, 'tests', 'data', 'vimeo_septuplet', 'sequences', source['clip'])
    for tag, box in source['boxes'].items():
        lrs = []
        for frame in (source['frames'][0], source['frames'][-1]):
            hr = Image.open(osp.join(clip, frame)).convert('RGB').crop(box)
            lrs.append(np.asarray(hr.resize((hr.width // 4, hr.height // 4), Image.BICUBIC)))
        np.testing.assert_array_equal(np.stack(lrs), golden[tag], err_msg=tag)


@pytest.mark.parametrize('tag', ['lr_32x32', 'lr_8x32'])
def test_flow_scaling_is_the_authors(golden, tag):
    """Our ``normalize_flow`` of their pixel flows is their ``rescale_flow`` (sign included)."""
    for direction in ('fwd', 'bwd'):
        ours = normalize_flow(torch.from_numpy(golden[f'{tag}_flow_{direction}_px']))
        np.testing.assert_allclose(ours.numpy(), golden[f'{tag}_flow_{direction}_rescaled'],
                                   rtol=0, atol=1e-15)


@pytest.mark.parametrize('output', ['hr', 'lr_mid', 'flow_fwd', 'flow_bwd'])
def test_v4_fr_matches_the_authors_code(golden, v4_ref, output):
    _, aux = v4_ref
    hr, lr = theirs(golden, 'v4_ref')
    expected = dict(hr=hr, lr_mid=lr, flow_fwd=golden['v4_ref_flow_fwd_refined'][None],
                    flow_bwd=golden['v4_ref_flow_bwd_refined'][None])[output]
    assert_close(aux[output][0], expected, rel=1e-6, what=f'v4_ref {output}')
    if output == 'hr':
        assert torch.equal(aux['frames'], aux['hr'])


@pytest.mark.parametrize('name', ['v4', 'v1', 'v2', 'v3'])
def test_without_fr_matches_the_authors_code(golden, v4, name):
    aux = v4[1] if name == 'v4' else run(build_model(golden, name), golden, NETS[name][2])
    assert 'flow_fwd' not in aux  # no flow refinement
    if name == 'v4':  # stage outputs of V4; V1-V3: their in-between frames (to keep the file small)
        hr, _ = theirs(golden, name)
        assert_close(aux['hr'][0], hr, rel=1e-6, what=f'{name} hr')
        hr1, lr1 = theirs(golden, name, '_stage1')
        assert_close(aux['hr_stage1'][0], hr1, rel=1e-6, what=f'{name} hr_stage1')
        assert_close(aux['lr_mid_stage1'][0], lr1, rel=1e-6, what=f'{name} lr_mid_stage1')
    else:
        assert_close(aux['hr'][0, 1], golden[f'{name}_ht'], rel=1e-6, what=f'{name} ht')
    assert_close(aux['lr_mid'][0], golden[f'{name}_l'][None], rel=1e-6, what=f'{name} lr_mid')


def test_denormalised_prediction_matches_the_authors_denorm(golden, v4_float32):
    """``pred_img`` of predict mode (0-255, BGR at test time as MMagic's) vs what their eval.py
    saves: their ``utils.denorm(vgg=True)`` of the raw output, clamped to [0, 1], x 255, recorded
    from their code (V4's in-between frame; our float32 model, whose rounding is far below the
    tolerance).

    Their ``denorm`` uses constants rounded to 3 decimals (mean -2.118/-2.036/-1.804, std
    4.367/4.464/4.444) for the exact inverse of their normalisation that we apply: they differ
    by up to 0.03 grey levels in [0, 255].
    """
    pred = run(v4_float32, golden, 'lr_8x32', mode='predict', dtype=torch.float32)
    ours = pred[0].output.pred_img  # (2T - 1, 3, H, W), the clip's frames
    ours = ours[1].double().numpy()
    expected = golden['v4_ht_denorm255'][::-1]  # RGB to BGR
    assert ours.shape == expected.shape
    inside = ((expected > 0) & (expected < 255)).mean()
    assert inside > 0.2, f'only {inside:.1%} of the values are not clipped: a weak check'
    diff = np.abs(ours - expected).max()
    assert diff < 0.04, f'max abs diff {diff:.4f} grey levels'


def test_float32_matches_within_rounding(golden, v4_float32):
    """The float32 model (V4) within float32 rounding of the authors' float64 outputs."""
    aux = run(v4_float32, golden, 'lr_8x32', dtype=torch.float32)
    hr, lr = theirs(golden, 'v4')
    assert_close(aux['hr'][0], hr, rel=2e-5, what='float32 hr')
    assert_close(aux['lr_mid'][0], lr, rel=2e-5, what='float32 lr_mid')


def test_imagenet_constants_are_the_configs():
    for config in (AUTHORS, AUTHORS_WO_FR):
        pre = Config.fromfile(osp.join(CONFIGS, config)).model.data_preprocessor
        np.testing.assert_allclose(pre.mean, np.array(IMAGENET_MEAN) * 255)
        np.testing.assert_allclose(pre.std, np.array(IMAGENET_STD) * 255)


def test_configs_use_the_authors_flows():
    """pyflow for the input flows and the flow-loss targets; the networks of the paper-faithful
    configs."""
    for config, paper in ((AUTHORS, PAPER),
                          (AUTHORS_WO_FR, 'starnet-wo-fr_x4_1xb10-70e_vimeo-triplet.py')):
        cfg = Config.fromfile(osp.join(CONFIGS, config))
        assert cfg.model.generator == Config.fromfile(osp.join(CONFIGS, paper)).model.generator
        for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
            types = [s['type'] for s in cfg[loader].dataset.pipeline]
            assert 'FarnebackFlow' not in types and 'PyflowFlow' in types, (loader, types)
        targets = [s for s in cfg.train_dataloader.dataset.pipeline
                   if s['type'] == 'InBetweenFlows']
        assert [s['method'] for s in targets] == ['pyflow']


# ------------------------------------------------------------------ the checkpoint converter
@pytest.mark.parametrize('name,prefix', [('v4_ref', ''), ('v4_ref', 'module.'),
                                         ('v4', 'module.')])
def test_authors_layout_round_trips(golden, v4_ref, v4, name, prefix):
    """Our tensors -> the authors' layout (as saved, or with DataParallel's ``module.``) ->
    converter -> strict load: every tensor equal. The authors' names of our tensors come from
    the converter's mapping of the recorded layout, inverted."""
    model = dict(v4_ref=v4_ref, v4=v4)[name][0]
    ours = model.generator.state_dict()
    authors_to_ours = {}
    for key in golden[f'layout_{name}']:
        (new, ), = [convert_starnet_state_dict({key: torch.zeros(1)}).keys()]
        authors_to_ours[key] = new
    assert set(authors_to_ours.values()) == set(ours), 'the layouts cover different tensors'
    assert len(authors_to_ours) == len(ours), 'two authors\' tensors map to one of ours'
    authors = {prefix + key: ours[new] for key, new in authors_to_ours.items()}
    converted = convert_starnet_state_dict(authors)
    assert converted.keys() == ours.keys()
    for key, value in converted.items():
        assert torch.equal(value, ours[key]), key
    model.generator.load_state_dict(converted, strict=True)
