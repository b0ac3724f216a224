import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmagic.models.editors.basicvsr.basicvsr_net import SPyNet
from mmagic.registry import MODELS
from torchvision.models.vgg import cfgs, make_layers

from mmstvsr.models.losses import (HornSchunckFlow, MotionConsistencyLoss, SPyNetFlow,
                                   VGGPerceptualLoss)
from mmstvsr.utils.flow import farneback_flow

CLIP = osp.join(osp.dirname(__file__), '..', 'data', 'vimeo_septuplet', 'sequences', '00001',
                '0001')
FACE = (slice(0, 128), slice(96, 224))  # the textured region of the clip (a face), 128x128


@pytest.fixture(autouse=True)
def one_thread():
    """Run on one CPU thread: the estimators issue many small ops, which intra-op threads only
    slow down with their synchronisation (by 10x on a busy 2-core machine)."""
    num_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(num_threads)


def _rgb(k=1, shift=(0.0, 0.0)):
    """Frame im{k} as float32 RGB in [0, 1], translated so that frame(y, x) = im(y - dy, x - dx)."""
    img = cv2.imread(osp.join(CLIP, f'im{k}.png'))[..., ::-1].astype(np.float32) / 255
    if shift != (0.0, 0.0):
        affine = np.float32([[1, 0, shift[0]], [0, 1, shift[1]]])
        img = cv2.warpAffine(img, affine, img.shape[1::-1], flags=cv2.INTER_CUBIC,
                             borderMode=cv2.BORDER_REFLECT)
    return img


def _tensor(*frames):
    """(H, W, 3) arrays -> (N, 3, H, W) tensor."""
    return torch.from_numpy(np.stack(frames)).permute(0, 3, 1, 2).contiguous()


def _face_clip(shifts=None):
    """The 7 real frames, face region downsampled to 32x32: (1, 7, 3, 32, 32).

    ``shifts`` maps a frame index (0-based) to a translation (dx, dy) in pixels of the 32x32 clip.
    """
    shifts = shifts or {}
    frames = []
    for t in range(7):
        dx, dy = shifts.get(t, (0.0, 0.0))
        img = _rgb(t + 1, (4 * dx, 4 * dy))[FACE]
        frames.append(cv2.resize(img, (32, 32), interpolation=cv2.INTER_AREA))
    return _tensor(*frames)[None]


def _textured(img, border=8):
    """Mask of the pixels with the top-quartile gradient magnitude, away from the border."""
    gray = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    magnitude = np.hypot(cv2.Sobel(gray, cv2.CV_32F, 1, 0), cv2.Sobel(gray, cv2.CV_32F, 0, 1))
    mask = magnitude > np.percentile(magnitude, 75)
    mask[:border] = mask[-border:] = False
    mask[:, :border] = mask[:, -border:] = False
    return mask


# ---------------------------------------------------------------- flow estimators


@pytest.mark.parametrize('data_eps', [0.01, None])  # robust (default) and classical data term
@pytest.mark.parametrize('shift', [(2.0, -1.0), (1.5, -0.5), (-2.25, 1.75), (-4.0, -3.0)])
def test_horn_schunck_recovers_a_translation_of_real_frames(shift, data_eps):
    prev = _rgb()[16:80, 120:184]
    nxt = _rgb(shift=shift)[16:80, 120:184]  # prev(y, x) = nxt(y + dy, x + dx)
    estimator = MODELS.build(dict(type='HornSchunckFlow', data_eps=data_eps))
    flow = estimator(*_tensor(prev, nxt)[:, None])
    assert flow.shape == (1, 2, 64, 64)
    mask = _textured(prev)
    for channel, expected in enumerate(shift):
        assert abs(np.median(flow[0, channel].numpy()[mask]) - expected) < 0.3
        assert np.median(np.abs(flow[0, channel].numpy()[mask] - expected)) < 0.15


def test_horn_schunck_convention_is_farnebacks():
    shift = (3.0, -2.0)
    prev = _rgb()[16:80, 120:184]
    nxt = _rgb(shift=shift)[16:80, 120:184]
    flow = HornSchunckFlow()(*_tensor(prev, nxt)[:, None])[0].numpy()
    reference = farneback_flow(prev * 255, nxt * 255, channel_order='rgb')
    mask = _textured(prev)
    for channel in range(2):
        ours = np.median(flow[channel][mask])
        theirs = np.median(reference[..., channel][mask])
        assert np.sign(ours) == np.sign(theirs) == np.sign(shift[channel])
        assert abs(ours - theirs) < 0.3


def test_horn_schunck_is_differentiable_batched_and_takes_any_size():
    frames = _tensor(_rgb(1), _rgb(4))[..., 60:110, 110:180]  # 50x70
    prev = frames[:1].repeat(2, 1, 1, 1).requires_grad_()
    nxt = torch.cat([frames[1:], frames[:1].flip(-1)]).requires_grad_()
    estimator = HornSchunckFlow(num_levels=4)
    flow = estimator(prev, nxt)
    assert flow.shape == (2, 2, 50, 70)
    for i in range(2):
        assert torch.allclose(flow[i:i + 1], estimator(prev[i:i + 1], nxt[i:i + 1]), atol=1e-4)
    flow.square().mean().backward()
    for frame in (prev, nxt):
        assert torch.isfinite(frame.grad).all() and frame.grad.abs().sum() > 0
    assert estimator(prev[:1, :, :12, :12], nxt[:1, :, :12, :12]).shape == (1, 2, 12, 12)
    with pytest.raises(ValueError, match='alpha'):
        HornSchunckFlow(alpha=0)
    with pytest.raises(ValueError, match=r'\(N, 3, H, W\)'):
        estimator(prev[:, :1], nxt[:, :1])


@pytest.fixture
def spynet_file(tmp_path):
    """Random SPyNet weights as BasicVSR's file holds them (without the mean / std buffers)."""
    torch.manual_seed(0)
    state_dict = {k: v for k, v in SPyNet(pretrained=None).state_dict().items()
                  if k not in ('mean', 'std')}
    path = tmp_path / 'spynet.pth'
    torch.save(dict(state_dict=state_dict), path)
    return str(path), state_dict


def test_spynet_flow_loads_weights_and_keeps_them_frozen(spynet_file):
    path, state_dict = spynet_file
    estimator = MODELS.build(dict(type='SPyNetFlow', pretrained=path))
    estimator.init_weights()
    loaded = estimator.spynet.state_dict()
    assert all(torch.equal(loaded[k], v) for k, v in state_dict.items())
    estimator.train()
    assert not estimator.spynet.training
    frames = _tensor(_rgb(1), _rgb(2))[..., 100:150, 150:220].requires_grad_()  # 50x70
    flow = estimator(frames[:1], frames[1:])
    assert flow.shape == (1, 2, 50, 70)
    flow.square().mean().backward()
    assert frames.grad.abs().sum() > 0
    assert all(p.grad is None and not p.requires_grad for p in estimator.parameters())


def test_spynet_flow_needs_its_weights(tmp_path):
    frames = torch.rand(2, 3, 32, 32)
    estimator = SPyNetFlow()
    estimator.init_weights()
    with pytest.raises(RuntimeError, match='`pretrained`'):
        estimator(frames[:1], frames[1:])
    with pytest.raises(FileNotFoundError, match='pretrained'):
        SPyNetFlow(pretrained=str(tmp_path / 'missing.pth')).init_weights()


# ---------------------------------------------------------------- motion consistency loss


#: A cheap Horn-Schunck for the tests of the loss's algebra.
FAST_FLOW = dict(type='HornSchunckFlow', num_iters=10, num_levels=2)


def _flow_table(frames):
    """Flows of all ordered pairs with one call of FAST_FLOW: {(t, p): (B, 2, H, W)}."""
    num_frames = frames.shape[1]
    pairs = [(t, p) for t in range(num_frames) for p in range(num_frames) if t != p]
    with torch.no_grad():
        flows = MODELS.build(FAST_FLOW)(torch.cat([frames[:, t] for t, _ in pairs]),
                                        torch.cat([frames[:, p] for _, p in pairs]))
    return dict(zip(pairs, flows.split(frames.shape[0])))


def _reference_terms(pred, gt):
    """Every term of MCL, written out from the flow tables of pred and gt."""
    pred_flows, gt_flows = _flow_table(pred), _flow_table(gt)
    pairs = list(pred_flows)
    adjacent = [pair for pair in pairs if abs(pair[0] - pair[1]) == 1]
    assert len(pairs) == 42 and len(adjacent) == 12
    errors = torch.stack([pred_flows[pair] - gt_flows[pair] for pair in pairs])
    adjacent_errors = torch.stack([pred_flows[pair] - gt_flows[pair] for pair in adjacent])
    middle = range(1, pred.shape[1] - 1)
    near = torch.stack([pred_flows[t - 1, t] for t in middle])
    far = torch.stack([pred_flows[t - 1, t + 1] for t in middle])
    gt_near = torch.stack([gt_flows[t - 1, t] for t in middle])
    gt_far = torch.stack([gt_flows[t - 1, t + 1] for t in middle])
    return dict(
        abs_l2=errors.square().mean(),
        abs_l1=errors.abs().mean(),
        abs_adjacent=adjacent_errors.square().mean(),
        hinge=torch.relu(torch.sign(near) * (near - far)).mean(),
        strong=((near - far) - (gt_near - gt_far)).square().mean())


def _mcl(**cfg):
    return MODELS.build(dict(type='MotionConsistencyLoss', flow_estimator=FAST_FLOW, **cfg))


def test_mcl_ablation_switches_change_their_own_term():
    gt = _face_clip()
    pred = _face_clip({2: (0.5, 0.0), 4: (-0.5, 0.5)})
    ref = _reference_terms(pred, gt)
    assert ref['hinge'] > 0 and ref['abs_l2'] > 0 and ref['strong'] > 0
    cases = [
        (dict(), ref['abs_l2'] + ref['hinge']),
        (dict(rel_weight=0), ref['abs_l2']),  # w/o l_rel
        (dict(abs_weight=0), ref['hinge']),  # w/o l_abs
        (dict(rel_weight=0, pairs='adjacent'), ref['abs_adjacent']),  # l_abs-AJ
        (dict(rel_weight=0, abs_norm='l1'), ref['abs_l1']),  # l_abs-L1
        (dict(abs_weight=0, rel_mode='strong'), ref['strong']),  # l_rel-SC
        (dict(abs_weight=2, rel_weight=3, loss_weight=1), 20 * ref['abs_l2'] + 30 * ref['hinge']),
    ]
    for cfg, expected in cases:
        assert torch.allclose(_mcl(**cfg)(pred, gt), 0.1 * expected, rtol=1e-4), cfg
    adjacent = _mcl(pairs='adjacent', rel_weight=0)
    assert adjacent.pred_pairs(7) == adjacent.gt_pairs(7) == [
        (t, p) for t in range(7) for p in range(7) if abs(t - p) == 1]
    assert _mcl(abs_weight=0).gt_pairs(7) == []
    assert _mcl(abs_weight=0, rel_mode='strong').gt_pairs(7) == sorted(
        [(t - 1, t) for t in range(1, 6)] + [(t - 1, t + 1) for t in range(1, 6)])


def test_mcl_vanishes_on_the_ground_truth_but_for_its_hinge():
    gt = _face_clip()
    pred = gt.clone()
    assert _mcl(rel_weight=0)(pred, gt) == 0
    assert _mcl(rel_mode='strong')(pred, gt) == 0
    # the hinge of Eq. 3 reads predicted flows only: on the GT it is the GT motion's own hinge
    hinge = _reference_terms(gt, gt)['hinge']
    assert torch.allclose(_mcl()(pred, gt), 0.1 * hinge, rtol=1e-4)


def test_mcl_grows_with_the_motion_error_of_one_frame():
    gt = _face_clip()
    loss = MotionConsistencyLoss()
    values = [loss(_face_clip({3: (shift, -shift / 2)}), gt).item() for shift in (0, 0.5, 1, 2)]
    assert values == sorted(values) and values[1] > values[0]


def test_mcl_gradient_reaches_pred_only():
    gt = _face_clip().requires_grad_()
    pred = _face_clip({3: (1.0, 0.0)}).requires_grad_()
    loss = MotionConsistencyLoss(rel_mode='strong')
    loss(pred, gt).backward()
    assert gt.grad is None
    assert torch.isfinite(pred.grad).all() and pred.grad[:, 3].abs().sum() > 0
    gt_flows = torch.zeros(1, 7, 7, 2, 32, 32, requires_grad=True)
    MotionConsistencyLoss()(pred, gt, gt_flows).backward()
    assert gt_flows.grad is None and gt.grad is None


def test_mcl_takes_precomputed_gt_flows():
    gt = _face_clip()
    pred = _face_clip({1: (1.0, 1.0), 5: (-1.0, 0.0)})
    loss = _mcl(rel_mode='strong')
    expected = loss(pred, gt)
    as_dict = _flow_table(gt)
    as_tensor = torch.zeros(1, 7, 7, 2, 32, 32)
    for (t, p), flow in as_dict.items():
        as_tensor[:, t, p] = flow
    assert torch.allclose(loss(pred, gt, as_dict), expected, rtol=1e-4)
    assert torch.allclose(loss(pred, gt, as_tensor), expected, rtol=1e-4)
    adjacent = _mcl(pairs='adjacent')
    adjacent_only = {pair: as_dict[pair] for pair in adjacent.gt_pairs(7)}
    assert torch.allclose(adjacent(pred, gt, adjacent_only), adjacent(pred, gt), rtol=1e-4)
    with pytest.raises(KeyError, match=r'\(0, 2\)'):
        loss(pred, gt, {(0, 1): as_dict[0, 1]})
    with pytest.raises(ValueError, match='gt_flows'):
        loss(pred, gt, as_tensor[..., :16, :16])


@pytest.mark.parametrize('cfg', [
    dict(pairs='neighbours'),
    dict(abs_norm='l3'),
    dict(rel_mode='soft'),
    dict(abs_weight=0, rel_weight=0),
])
def test_mcl_rejects_unknown_variants(cfg):
    with pytest.raises(ValueError):
        MotionConsistencyLoss(**cfg)


def test_mcl_with_spynet_flow_loads_through_init_weights(spynet_file):
    loss = MODELS.build(
        dict(type='MotionConsistencyLoss',
             flow_estimator=dict(type='SPyNetFlow', pretrained=spynet_file[0])))
    loss.init_weights()
    pred = torch.rand(2, 3, 3, 32, 32, requires_grad=True)
    loss(pred, torch.rand(2, 3, 3, 32, 32)).backward()
    assert pred.grad.abs().sum() > 0


# ---------------------------------------------------------------- perceptual loss


@pytest.fixture(scope='module')
def vgg_file(tmp_path_factory):
    """Random VGG19 weights in torchvision's layout (``features.*``, a stand-in classifier)."""
    torch.manual_seed(0)
    features = make_layers(cfgs['E'])
    state_dict = {f'features.{k}': v for k, v in features.state_dict().items()}
    state_dict['classifier.6.bias'] = torch.zeros(1000)
    path = tmp_path_factory.mktemp('vgg') / 'vgg19.pth'
    torch.save(state_dict, path)
    return str(path)


def test_vgg_loss_needs_its_weights(tmp_path):
    frames = torch.rand(1, 3, 32, 32)
    loss = MODELS.build(dict(type='VGGPerceptualLoss'))
    loss.init_weights()
    with pytest.raises(RuntimeError, match=r'cannot be downloaded.*`pretrained`'):
        loss(frames, frames)
    with pytest.raises(FileNotFoundError, match='`pretrained`'):
        VGGPerceptualLoss(pretrained=str(tmp_path / 'missing.pth')).init_weights()


def test_vgg_loss_with_loaded_weights(vgg_file):
    loss = VGGPerceptualLoss(pretrained=vgg_file)
    loss.init_weights()
    loss.train()
    assert not loss.vgg.training
    expected = torch.load(vgg_file, weights_only=True)['features.34.weight']
    assert torch.equal(loss.vgg[34].weight, expected)

    frames = _tensor(_rgb(1)[FACE], _rgb(7)[FACE])[:, :, ::4, ::4]  # (2, 3, 32, 32)
    clip = frames[None]
    assert loss(clip, clip.clone()) == 0
    pred = clip.clone().requires_grad_()
    target = clip.flip(1).requires_grad_()
    value = loss(pred, target)
    assert value > 0
    assert torch.allclose(value, loss(pred[0], target[0]))  # (B, T, ...) as (N, ...)
    value.backward()
    assert pred.grad.abs().sum() > 0 and target.grad is None
    assert all(p.grad is None and not p.requires_grad for p in loss.parameters())


def test_vgg_loss_rejects_other_files(tmp_path):
    path = tmp_path / 'other.pth'
    torch.save({'features.0.weight': torch.zeros(1)}, path)
    with pytest.raises(RuntimeError, match='vgg19'):
        VGGPerceptualLoss(pretrained=str(path)).init_weights()


# ---------------------------------------------------------------- reconstruction losses


def test_mmagic_reconstruction_losses_take_clips():
    pred = _face_clip({3: (1.0, 0.0)})
    gt = _face_clip()
    mse = MODELS.build(dict(type='MSELoss'))(pred, gt)
    assert torch.allclose(mse, (pred - gt).square().mean())
    # MMagic adds eps itself, not its square, under the root
    charbonnier = MODELS.build(dict(type='CharbonnierLoss', eps=1e-6))(pred, gt)
    assert torch.allclose(charbonnier, ((pred - gt).square() + 1e-6).sqrt().mean())
