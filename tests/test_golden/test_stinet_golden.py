"""STINet: the authors-compatible config reproduces the outputs of the authors' own code.

``tests/data/golden/stinet.npz`` holds what the authors' ``Net`` (yuezijie/STINet, see
``tests/data/golden/README.md``) computed in float64 for name-seeded weights on four real LR
frames of a bundled septuplet, with the input flows their data pipeline computed. Here our model
is built from ``stinet-official``, given the same weights through the checkpoint converter, and
run through its data preprocessor and ``test_step``, as ``tools/test.py`` runs it, and through
the inferencer.
"""
import os.path as osp

import numpy as np
import pytest
import torch
from golden import IMAGENET_MEAN, IMAGENET_STD, assert_close, load_golden, seeded_state_dict
from mmagic.registry import MODELS, TRANSFORMS
from mmagic.structures import DataSample
from mmengine.config import Config

from mmstvsr.models.editors.stinet.checkpoint_conversion import convert_stinet_state_dict

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(ROOT, 'configs/stinet/stinet-official_x4_2xb15-500k_vimeo-septuplet.py')


@pytest.fixture(scope='module')
def golden():
    return load_golden('stinet')


def build_model(golden, config=CONFIG, dtype=torch.float64):
    """Our model from ``config`` with the name-seeded weights of the authors' layout."""
    model = MODELS.build(Config.fromfile(config).model).to(dtype)  # weights copied in dtype
    weights = convert_stinet_state_dict(seeded_state_dict(golden['layout']))
    model.generator.load_state_dict(weights, strict=True)
    return model.eval()


def raw_batch(golden, dtype=torch.float64):
    """The recorded RGB frames (0-255) and flows as a dataloader batch of one clip."""
    frames = torch.from_numpy(golden['lr']).permute(0, 3, 1, 2).to(dtype)
    sample = DataSample(flow_fwd=torch.from_numpy(golden['flow_fwd']).to(dtype),
                        flow_bwd=torch.from_numpy(golden['flow_bwd']).to(dtype),
                        metainfo=dict(img_channel_order='rgb'))
    return dict(inputs=[frames], data_samples=[sample])


@pytest.fixture(scope='module')
def outputs(golden):
    """Every output (``forward_tensor`` with ``return_aux``) and the predictions of
    ``test_step``, the Runner's test path (``tools/test.py``) without the dataset."""
    model = build_model(golden)
    data = model.data_preprocessor(raw_batch(golden))
    with torch.no_grad():
        aux = model.forward_tensor(data['inputs'], data['data_samples'], return_aux=True)
        pred = model.test_step(raw_batch(golden))
    return aux, pred


@pytest.mark.parametrize('name', ['frames', 'hr_init', 'lr_init'])
def test_outputs_match_the_authors_code(golden, outputs, name):
    aux, _ = outputs
    assert_close(aux[name][0], golden[name], rel=1e-6, what=name)


def test_denormalised_prediction_matches_the_authors_denorm(golden, outputs):
    """``pred_img`` (0-255) of ``test_step`` vs the authors' output de-normalised, clamped to
    [0, 1] and scaled to 255.

    Their ``utils.denorm(vgg=True)`` uses rounded constants (mean -2.118/-2.036/-1.804, std
    4.367/4.464/4.444) for the inverse of their normalisation, which moves values by up to 0.03
    grey levels; with the exact inverse (ImageNet mean and std) the two agree to rounding.
    """
    _, pred = outputs
    ours = pred[0].output.pred_img.double().flip(-3)  # predict mode gives BGR
    raw = torch.from_numpy(golden['frames']).double()
    mean = torch.tensor(IMAGENET_MEAN, dtype=torch.float64)[:, None, None]
    std = torch.tensor(IMAGENET_STD, dtype=torch.float64)[:, None, None]
    exact = (raw * std + mean).clamp(0, 1) * 255
    assert (ours - exact).abs().max().item() < 1e-3
    authors = (raw - torch.tensor([-2.118, -2.036, -1.804])[:, None, None]) / \
        torch.tensor([4.367, 4.464, 4.444])[:, None, None]
    assert (ours - authors.clamp(0, 1) * 255).abs().max().item() < 0.05
    assert ((exact > 0) & (exact < 255)).double().mean() > 0.5  # most values are not clamped


def test_inferencer_reproduces_the_authors_frames(golden, tmp_path):
    """The inferencer path (config, converted checkpoint, flows from the config's pipeline on the
    frames it reads, de-normalisation) gives the authors' frames, to 1 grey level (uint8)."""
    from mmstvsr.apis import STVSRInferencer
    weights = convert_stinet_state_dict(seeded_state_dict(golden['layout']))
    checkpoint = tmp_path / 'stinet_golden.pth'
    torch.save(dict(state_dict={f'generator.{k}': v.float() for k, v in weights.items()}),
               checkpoint)
    inferencer = STVSRInferencer(CONFIG, str(checkpoint), device='cpu')
    frames = inferencer.predict(list(golden['lr'][..., ::-1]), time_factor=2)  # BGR in and out
    raw = torch.from_numpy(golden['frames']).double()
    mean = torch.tensor(IMAGENET_MEAN, dtype=torch.float64)[:, None, None]
    std = torch.tensor(IMAGENET_STD, dtype=torch.float64)[:, None, None]
    theirs = ((raw * std + mean).clamp(0, 1) * 255).round().permute(0, 2, 3, 1).numpy()
    diff = np.abs(frames[..., ::-1].astype(np.float64) - theirs)
    assert diff.max() <= 1, diff.max()


def test_float32_matches_within_rounding(golden):
    model = build_model(golden, dtype=torch.float32)
    data = model.data_preprocessor(raw_batch(golden, torch.float32))
    with torch.no_grad():
        frames = model.forward_tensor(data['inputs'], data['data_samples'])
    assert_close(frames[0], golden['frames'], rel=1e-4, what='float32 frames')


def test_the_paper_faithful_normalisation_does_not_reproduce_them(golden):
    """Our default [0, 1] inputs with the authors' weights differ: the normalisation matters."""
    cfg = Config.fromfile(CONFIG)
    cfg.model.data_preprocessor = dict(type='DataPreprocessor', mean=[0.] * 3, std=[255.] * 3)
    model = MODELS.build(cfg.model)
    model.generator.load_state_dict(
        convert_stinet_state_dict(seeded_state_dict(golden['layout'])), strict=True)
    model = model.double().eval()
    data = model.data_preprocessor(raw_batch(golden))
    with torch.no_grad():
        frames = model.forward_tensor(data['inputs'], data['data_samples'])
    diff = np.abs(frames[0].numpy() - golden['frames']).max()
    assert diff > 0.1 * np.abs(golden['frames']).max()


def test_config_pipeline_computes_the_authors_flows(golden):
    """The config's Farneback step gives the recorded flows from the recorded RGB frames, the
    authors' BGR-to-grey conversion included (the true RGB-to-grey one gives other flows)."""
    cfg = Config.fromfile(CONFIG)
    step = next(s for s in cfg.test_pipeline if s['type'] == 'FarnebackFlow')
    results = dict(img=list(golden['lr']), img_channel_order='rgb')
    results = TRANSFORMS.build(step)(results)
    np.testing.assert_array_equal(results['flow_fwd'].numpy(), golden['flow_fwd'])
    np.testing.assert_array_equal(results['flow_bwd'].numpy(), golden['flow_bwd'])
    exact = TRANSFORMS.build(dict(step, channel_order=None))(
        dict(img=list(golden['lr']), img_channel_order='rgb'))
    assert np.abs(exact['flow_fwd'].numpy() - golden['flow_fwd']).max() > 0.05


def test_imagenet_constants_are_the_configs(golden):
    cfg = Config.fromfile(CONFIG)
    pre = cfg.model.data_preprocessor
    np.testing.assert_allclose(pre.mean, np.array(IMAGENET_MEAN) * 255)
    np.testing.assert_allclose(pre.std, np.array(IMAGENET_STD) * 255)


# ------------------------------------------------------------------ the checkpoint converter
def our_state_dict_in_authors_layout(golden, model):
    """Our generator's tensors under the authors' names: the converter's mapping of the recorded
    layout, inverted (the authors' shared blocks appear under two names, as ours)."""
    ours = model.generator.state_dict()
    authors_to_ours = {}
    for key in golden['layout']:
        (ours_key, ), = [convert_stinet_state_dict({key: torch.zeros(1)}).keys()]
        authors_to_ours[key] = ours_key
    assert set(authors_to_ours.values()) == set(ours), 'the layouts cover different tensors'
    return {key: ours[ours_key] for key, ours_key in authors_to_ours.items()}


@pytest.mark.parametrize('variant', ['plain', 'module', 'old_dgl'])
def test_converter_round_trip(golden, variant):
    """Our tensors -> the authors' layout (as DataParallel saves it, or with the SAGE biases
    where DGL before its bias parameter kept them) -> converter -> strict load: all equal."""
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(CONFIG).model)
    for p in model.generator.parameters():
        p.data.normal_()
    authors = our_state_dict_in_authors_layout(golden, model)
    if variant == 'module':
        authors = {f'module.{k}': v for k, v in authors.items()}
    if variant == 'old_dgl':
        authors = {k.replace('.bias', '.fc_neigh.bias') if k.startswith('SAG') else k: v
                   for k, v in authors.items()}
        assert 'SAG1.fc_neigh.bias' in authors
    fresh = MODELS.build(Config.fromfile(CONFIG).model)
    fresh.generator.load_state_dict(convert_stinet_state_dict(authors), strict=True)
    for key, value in model.generator.state_dict().items():
        assert torch.equal(fresh.generator.state_dict()[key], value), key


def test_converter_tool_refuses_foreign_and_empty_files(tmp_path):
    import subprocess
    import sys
    tool = osp.join(ROOT, 'tools/model_converters/stinet_to_mmstvsr.py')
    foreign = {'conv_first.weight': torch.zeros(64, 3, 3, 3),  # an EDVR-like state dict
               'feature_extraction.0.conv1.weight': torch.zeros(64, 64, 3, 3)}
    for name, state in (('foreign', foreign), ('empty', {})):
        src, dst = tmp_path / f'{name}.pth', tmp_path / f'{name}_out.pth'
        torch.save(state, src)
        res = subprocess.run([sys.executable, tool, str(src), str(dst)], capture_output=True,
                             text=True)
        assert res.returncode != 0, name
        assert 'STINet' in res.stderr.strip().splitlines()[-1], res.stderr
        assert not dst.exists()
