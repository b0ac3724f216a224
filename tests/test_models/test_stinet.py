"""STINet: the size of the authors' model, and every paper variant building, running, learning."""
import glob
import os.path as osp

import pytest
import torch
from mmagic.registry import MODELS
from mmagic.structures import DataSample
from mmengine.config import Config

import mmstvsr  # noqa: F401

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = sorted(
    path for path in glob.glob(osp.join(ROOT, 'configs', 'stinet', '*.py'))
    if Config.fromfile(path).model.type == 'STINet')
TINY = Config.fromfile(osp.join(ROOT, 'configs', 'stinet', 'stinet_tiny.py')).model
S_SR = osp.join(ROOT, 'configs', 'stinet', 'stinet-tiny-s-sr_x4_1xb16-4k_vimeo-septuplet-frames.py')
FROZEN_S_SR = osp.join(ROOT, 'configs', 'stinet',
                       'stinet-tiny-frozen-s-sr_x4_1xb2-1k_vimeo-septuplet.py')


def _count(module, trainable=False):
    return sum(p.numel() for p in module.parameters() if p.requires_grad or not trainable)


def test_official_config_has_the_papers_parameter_count():
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'stinet',
                                   'stinet-official_x4_2xb15-500k_vimeo-septuplet.py'))
    model = MODELS.build(cfg.model)  # init_weights not called: no checkpoint file needed
    assert _count(model.generator) == 11_761_602  # the paper's 11.76M
    assert _count(model.generator.initializer) == 7_345_830  # frozen dense DBPN
    assert _count(model.generator, trainable=True) == 11_761_602 - 7_345_830


def test_alias_config():
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'stinet_vimeo.py'))
    assert cfg.model.type == 'STINet' and cfg.model.generator.stgr.type == 'STGR'


def _tiny_variant(path):
    """The variant's model config (its switches) on the tiny config's sizes, without VGG."""
    cfg = Config.fromfile(path).model
    for key in ('mid_channels', 'initializer', 'num_shared_blocks', 'motion_channels'):
        cfg.generator[key] = TINY.generator[key]
    cfg.perceptual_loss = None
    return cfg


def _batch(model, t=2, size=12):
    lrs = torch.rand(1, t, 3, size, size)
    n_out = t + (t - 1) * len(model.times)
    samples = DataSample()
    data = dict(gt_img=torch.rand(1, n_out, 3, size * 4, size * 4))
    if model.extra_inputs:
        data.update(flow_fwd=torch.randn(1, t - 1, 2, size, size),
                    flow_bwd=torch.randn(1, t - 1, 2, size, size))
    samples.set_tensor_data(data)
    return lrs, samples


@pytest.mark.parametrize('path', CONFIGS, ids=[osp.basename(p)[:-3] for p in CONFIGS])
def test_every_variant_runs_forward_and_backward(path):
    torch.manual_seed(0)
    model = MODELS.build(_tiny_variant(path))
    lrs, samples = _batch(model)
    losses = model(lrs, samples, mode='loss')
    total = sum(losses.values())
    total.backward()
    assert torch.isfinite(total)
    grads = [p.grad for p in model.generator.parameters() if p.requires_grad]
    assert any(g is not None and g.abs().sum() > 0 for g in grads)
    with torch.no_grad():
        out = model(lrs, samples)
    assert out.shape == samples.gt_img.shape


MAIN = osp.join(ROOT, 'configs', 'stinet', 'stinet_x4_2xb15-500k_vimeo-septuplet.py')


def _same_weights(model, reference):
    """Whether ``model`` has exactly the parameters of ``reference`` (names and shapes)."""
    mine, theirs = model.state_dict(), reference.state_dict()
    return mine.keys() == theirs.keys() and all(mine[k].shape == theirs[k].shape for k in mine)


def test_every_ablation_changes_the_model():
    """Each variant with the main model's weights (loaded into it) gives other frames or other
    losses on the same batch, or ties its weights otherwise: a switch that reaches nothing fails.
    Variants with other weights differ by construction and are not compared."""
    torch.manual_seed(0)
    main = MODELS.build(_tiny_variant(MAIN))
    lrs, samples = _batch(main, t=3, size=8)
    with torch.no_grad():
        reference_out = main(lrs, samples)
        reference_losses = main(lrs, samples, mode='loss')
    compared = []
    for path in CONFIGS:
        if path == MAIN or 'tiny' in osp.basename(path):
            continue
        variant = MODELS.build(_tiny_variant(path))
        if not _same_weights(variant, main) or variant.times != main.times:
            continue
        variant.load_state_dict(main.state_dict())
        torch.manual_seed(1)
        with torch.no_grad():
            out = variant(lrs, samples)
            losses = variant(lrs, samples, mode='loss')
        frames_differ = not torch.allclose(out, reference_out)
        losses_differ = losses.keys() != reference_losses.keys() or any(
            not torch.allclose(losses[k], reference_losses[k]) for k in losses)
        tying_differs = _count(variant) != _count(main)  # e.g. ST-FI blocks no longer shared
        assert frames_differ or losses_differ or tying_differs, osp.basename(path)
        compared.append(osp.basename(path))
    assert len(compared) >= 8, compared  # official, the three E_* and five MCL variants...


def test_losses_of_eq4_are_all_there():
    model = MODELS.build(TINY)
    lrs, samples = _batch(model)
    losses = model(lrs, samples, mode='loss')
    assert set(losses) == {'loss_rec', 'loss_init_hr', 'loss_init_lr', 'loss_mcl'}


def test_intermediate_positions_per_call_and_sliding_windows():
    """Windows [0, 4) and [1, 5) of 5 inputs (test_cfg window 4, stride 3): outputs 0-6 come
    from the first window, 7-8 from the last two of the second, each with its own gaps' flows
    (a different flow per gap, so that a wrong offset shows)."""
    torch.manual_seed(0)
    model = MODELS.build(TINY).eval()
    lrs = torch.rand(1, 5, 3, 8, 8)
    flows = {k: torch.randn(1, 4, 2, 8, 8) for k in ('flow_fwd', 'flow_bwd')}

    def samples(start, stop):
        data = DataSample()
        data.set_tensor_data({k: v[:, start:stop - 1] for k, v in flows.items()})
        return data

    with torch.no_grad():
        assert model(lrs, times=[0.25, 0.5, 0.75]).shape == (1, 17, 3, 32, 32)
        windowed = model.forward_windows(lrs, samples(0, 5))
        first = model.forward_tensor(lrs[:, 0:4], samples(0, 4))
        second = model.forward_tensor(lrs[:, 1:5], samples(1, 5))
    assert windowed.shape == (1, 9, 3, 32, 32)
    torch.testing.assert_close(windowed[:, :7], first)
    torch.testing.assert_close(windowed[:, 7:], second[:, 5:])


def test_tiny_stinet_learns(real_batch):
    """A few Adam steps on a real clip (two inputs, the true midpoint as target) lower the loss
    (the whole graph is trainable)."""
    torch.manual_seed(0)
    model = MODELS.build(TINY)
    lrs, samples = real_batch(t=2, size=8)
    optim = torch.optim.Adam(model.parameters(), lr=1e-3)
    first = None
    for _ in range(8):
        optim.zero_grad()
        loss = sum(model(lrs, samples, mode='loss').values())
        loss.backward()
        optim.step()
        first = loss.item() if first is None else first
    assert loss.item() < first


def test_flow_adaptation_eq1():
    from mmstvsr.models.editors.stinet import adapt_flows
    fwd, bwd = torch.randn(1, 2, 4, 4), torch.randn(1, 2, 4, 4)
    to_next, to_prev = adapt_flows(fwd, bwd, 0.25)
    assert torch.allclose(to_next, 0.75 * fwd) and torch.allclose(to_prev, 0.25 * bwd)
    half = adapt_flows(fwd, bwd, 0.5)  # the authors' hard-coded flow / 2
    assert torch.allclose(half[0], fwd / 2) and torch.allclose(half[1], bwd / 2)


def test_stfi_blocks_are_shared_not_copied():
    from mmstvsr.models.editors.stinet import STFI
    shared = STFI(16, num_shared=5)
    assert shared.lr_branch[2] is shared.hr_branch[1]
    separate = STFI(16, num_shared=5, share_blocks=False)
    assert separate.lr_branch[2] is not separate.hr_branch[1]
    block = sum(p.numel() for p in shared.lr_branch[2].parameters())
    assert _count(separate) - _count(shared) == block
    # the LR path sees the HR-branch update of a shared weight
    with torch.no_grad():
        shared.hr_branch[1][0].conv1.weight.add_(1)
    assert torch.equal(shared.lr_branch[2][0].conv1.weight, shared.hr_branch[1][0].conv1.weight)


def test_stlr_stack_and_sharing_from_config():
    from mmstvsr.models.editors.stinet import STINetNet
    small = dict(mid_channels=16, num_shared_blocks=1, motion_channels=8,
                 initializer=dict(type='DenseDBPN', base_channels=16, mid_channels=16,
                                  num_stages=2))
    one, three = STINetNet(**small, num_stlr=1), STINetNet(**small, num_stlr=3)
    shared = STINetNet(**small, num_stlr=3, share_stlr=True)
    stlr = _count(one.stlr)
    assert _count(three.stlr) == 3 * stlr and _count(shared.stlr) == stlr
    assert len(shared.stlr) == 3 and shared.stlr[0] is shared.stlr[2]


def test_stlr_ablations_change_the_offset_paths():
    from mmstvsr.models.editors.stinet import STLR, HROffsetsSTLR, LROffsetsSTLR, STLRWithoutInet
    full, no_inet = STLR(16), STLRWithoutInet(16)
    only_lr, only_hr = LROffsetsSTLR(16), HROffsetsSTLR(16)
    assert full.inet is not None and no_inet.inet is None and only_lr.inet is None
    assert only_lr.offset_down is None and only_hr.offset_down is not None
    lr, hr = torch.rand(1, 3, 16, 6, 6), torch.rand(1, 3, 16, 24, 24)
    for module in (full, no_inet, only_lr, only_hr):
        out_lr, out_hr = module(lr, hr)
        assert out_lr.shape == lr.shape and out_hr.shape == hr.shape
    # the variants that combine both offsets name the one a single branch needs
    with pytest.raises(ValueError, match='LROffsetsSTLR'):
        STLR(16, use_hr=False)
    with pytest.raises(ValueError, match='HROffsetsSTLR'):
        STLRWithoutInet(16, use_lr=False)
    with pytest.raises(ValueError, match='HROffsetsSTLR'):
        LROffsetsSTLR(16, use_lr=False)
    with pytest.raises(ValueError, match='use_lr or use_hr'):
        HROffsetsSTLR(16, use_lr=False, use_hr=False)
    single = LROffsetsSTLR(16, use_hr=False)
    assert single.hr_down is None and single.hr_up is None
    out_lr, out_hr = single(lr, None)
    assert out_lr.shape == lr.shape and out_hr is None


def test_training_config_without_weight_files_stops_with_a_clear_error(tmp_path):
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'stinet_vimeo.py'))
    cfg.model.generator.initializer.init_cfg.checkpoint = str(tmp_path / 'missing_s-sr.pth')
    model = MODELS.build(cfg.model)  # building needs no file
    with pytest.raises(FileNotFoundError, match='missing_s-sr.pth'):
        model.init_weights()
    cfg.model.generator.initializer.init_cfg = None
    cfg.model.perceptual_loss.pretrained = str(tmp_path / 'missing_vgg19.pth')
    model = MODELS.build(cfg.model)
    with pytest.raises(FileNotFoundError, match='missing_vgg19.pth'):
        model.init_weights()


@pytest.mark.parametrize('name,num_out', [('stinet_x4_2xb15-500k_vimeo-septuplet', 7),
                                          ('stinet-3f_x4_2xb15-500k_vimeo-septuplet', 13),
                                          ('stinet-5f_x4_2xb15-500k_vimeo-septuplet', 19)])
def test_output_frames_for_four_inputs(name, num_out):
    """4 inputs give 4 + 3K frames: K = 1 (7), and Table 2's K = 3 (13) and 5 (19); a temporal
    factor of 3 or 5 (K = 2 or 4 positions per call) gives 10 or 16."""
    from mmstvsr.utils import uniform_times
    model = MODELS.build(_tiny_variant(osp.join(ROOT, 'configs', 'stinet', f'{name}.py'))).eval()
    lrs = torch.rand(1, 4, 3, 8, 8)
    with torch.no_grad():
        assert model(lrs).shape == (1, num_out, 3, 32, 32)
        assert model(lrs, times=uniform_times(3)).shape[1] == 10
        assert model(lrs, times=uniform_times(5)).shape[1] == 16


def test_two_stage_tiny_recipe(tmp_path):
    """Stage 1 trains the tiny S-SR initialiser alone (single-image x4 SR); stage 2 loads its
    Runner checkpoint into the tiny STINet's initialiser and freezes it."""
    assert len(CONFIGS) >= 20 and S_SR not in CONFIGS
    s_sr_cfg = Config.fromfile(S_SR)
    s_sr = MODELS.build(s_sr_cfg.model)
    for key in ('type', 'base_channels', 'mid_channels', 'num_stages', 'scale'):
        assert s_sr_cfg.model.generator[key] == TINY.generator.initializer[key], key
    samples = DataSample()
    samples.set_tensor_data(dict(gt_img=torch.rand(2, 3, 32, 32)))
    loss = sum(s_sr(torch.rand(2, 3, 8, 8), samples, mode='loss').values())
    loss.backward()
    assert all(p.grad is not None for p in s_sr.generator.conv_rgb.parameters())
    torch.save(dict(state_dict=s_sr.state_dict(), meta=dict(iter=1)), tmp_path / 'iter_1.pth')

    cfg = Config.fromfile(FROZEN_S_SR)
    assert cfg.model.generator.initializer.init_cfg.checkpoint == cfg.s_sr_checkpoint
    cfg.model.generator.initializer.init_cfg.checkpoint = str(tmp_path / 'iter_1.pth')
    model = MODELS.build(cfg.model)
    model.init_weights()
    dbpn = model.generator.initializer
    assert not any(p.requires_grad for p in dbpn.parameters())
    for key, value in s_sr.generator.state_dict().items():
        torch.testing.assert_close(dbpn.state_dict()[key], value)


@MODELS.register_module(force=True)
class _RecordingLoss(torch.nn.Module):
    """Test loss: keeps what it is given and returns 0."""

    def forward(self, pred, target):
        self.seen = (pred.detach(), target.detach())
        return pred.sum() * 0


@pytest.mark.parametrize('normalisation', ['paper', 'authors'])
def test_perceptual_and_motion_losses_see_frames_in_unit_range(normalisation):
    """l_per and l_mcl take RGB in [0, 1], whatever normalisation the data preprocessor applies
    (the authors' configs normalise with ImageNet's mean and std)."""
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'stinet', 'stinet_tiny.py'))
    if normalisation == 'authors':
        cfg.model.data_preprocessor = Config.fromfile(osp.join(
            ROOT, 'configs/_base_/models/authors_imagenet_normalisation.py'
        )).authors_data_preprocessor
    cfg.model.perceptual_loss = dict(type='_RecordingLoss')
    cfg.model.motion_loss = dict(type='_RecordingLoss')
    model = MODELS.build(cfg.model)
    torch.manual_seed(0)
    lrs = torch.randint(0, 256, (4, 3, 8, 8)).float()
    gt = torch.randint(0, 256, (7, 3, 32, 32)).float()
    sample = DataSample(gt_img=gt, metainfo=dict(img_channel_order='rgb',
                                                 gt_channel_order='rgb'))
    data = model.data_preprocessor(dict(inputs=[lrs], data_samples=[sample]), training=True)
    model(data['inputs'], data['data_samples'], mode='loss')
    for loss in (model.perceptual_loss, model.motion_loss):
        torch.testing.assert_close(loss.seen[1], gt[None] / 255, rtol=0, atol=1e-6)
