"""STARnet: the size of the authors' model, its structure, losses and every paper variant."""
import glob
import os.path as osp

import pytest
import torch
from mmagic.registry import MODELS
from mmagic.structures import DataSample
from mmengine.config import Config

import mmstvsr  # noqa: F401
from mmstvsr.models.archs import RBPN, UNet
from mmstvsr.models.editors.starnet import (PyramidModule, STARnetLROutputNet, STARnetNet,
                                            STARnetWithDBPNNet, STARnetWithoutFlowNet,
                                            STARnetWithoutHRTemporalSRNet,
                                            STARnetWithoutLRTemporalSRNet, STARnetWithoutStage2Net,
                                            STARnetWithoutTemporalSRNet)
from mmstvsr.models.editors.starnet.starnet_net import _assemble
from mmstvsr.utils.flow import normalize_flow

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = sorted(glob.glob(osp.join(ROOT, 'configs', 'starnet', '*.py')))
MAIN = osp.join(ROOT, 'configs', 'starnet', 'starnet_x4_1xb10-70e_vimeo-triplet.py')
TINY = Config.fromfile(osp.join(ROOT, 'configs', 'starnet', 'starnet_tiny.py')).model
TINY_SIZES = ('hr_channels', 'lr_channels', 'base_channels', 'num_stages', 'num_blocks')
HALF = torch.tensor([0.5])


def _count(module):
    return sum(p.numel() for p in module.parameters())


#: the authors' versions (Table 6)
VERSIONS = {
    'V1': STARnetWithoutTemporalSRNet,
    'V2': STARnetWithoutLRTemporalSRNet,
    'V3': STARnetWithoutHRTemporalSRNet,
    'V4': STARnetNet
}
#: every part of the network: an attribute of every variant, None where it has no such part
PARTS = ('flow_refinement', 'spatial_sr', 'motion_encoder', 'hr_to_lr', 'input_hr_to_lr',
         'space_time_sr', 'hr_temporal_sr', 'lr_temporal_sr', 'forward_refiner',
         'backward_refiner', 'lr_rgb_head', 'hr_rgb_head')


def _tiny_net(variant=STARnetNet, **kwargs):
    sizes = {k: TINY.generator[k] for k in TINY_SIZES}
    sizes['flow_refinement'] = TINY.generator.flow_refinement
    sizes.update(kwargs)
    return variant(**sizes)


def test_v4_has_the_papers_parameter_count():
    cfg = Config.fromfile(MAIN)
    model = MODELS.build(cfg.model)
    assert _count(model.generator) == 111_610_863  # the paper's 111.61M
    assert _count(model.generator.flow_refinement) == 53_518_594
    # "w/o FR": 58.09M in the paper
    assert _count(model.generator) - _count(model.generator.flow_refinement) == 58_092_269


def test_versions_add_the_t_sr_paths():
    nets = {v: _tiny_net(variant, flow_refinement=None) for v, variant in VERSIONS.items()}
    assert nets['V1'].hr_temporal_sr is None and nets['V1'].lr_temporal_sr is None
    assert len(nets['V1'].input_hr_to_lr) == 2 and len(nets['V1'].hr_to_lr) == 4  # 3 blocks + conv
    assert nets['V2'].hr_temporal_sr is not None and nets['V2'].lr_temporal_sr is None
    assert nets['V3'].lr_temporal_sr is not None and nets['V3'].hr_temporal_sr is None
    assert all(nets[v].input_hr_to_lr is None for v in ('V2', 'V3', 'V4'))
    assert _count(nets['V4']) - _count(nets['V3']) == _count(nets['V2'].hr_temporal_sr)
    assert _count(nets['V4']) - _count(nets['V2']) == _count(nets['V3'].lr_temporal_sr)


def test_every_variant_has_every_part():
    """The variants differ in their parts, not in their attributes: a part a variant lacks is
    None; and the variants are registered for the configs' ``type``."""
    missing = {
        STARnetWithoutFlowNet: {'flow_refinement', 'motion_encoder', 'input_hr_to_lr'},
        STARnetWithoutStage2Net: {'forward_refiner', 'backward_refiner', 'input_hr_to_lr'},
        STARnetWithDBPNNet: {'input_hr_to_lr'},
        STARnetLROutputNet: {'input_hr_to_lr'},
        STARnetWithoutTemporalSRNet: {'hr_temporal_sr', 'lr_temporal_sr'},
    }
    for variant, absent in missing.items():
        kwargs = dict(flow_refinement=None) if variant is STARnetWithoutFlowNet else {}
        net = _tiny_net(variant, **kwargs)
        assert {part for part in PARTS if getattr(net, part) is None} == absent, variant
        assert MODELS.get(variant.__name__) is variant
    with pytest.raises(ValueError, match='flow_refinement=None'):
        _tiny_net(STARnetWithoutFlowNet)


@pytest.mark.parametrize('t', [2, 4])
def test_outputs_hr_frames_and_lr_midpoints(t):
    torch.manual_seed(0)
    net = _tiny_net().eval()
    lrs = torch.rand(1, t, 3, 8, 12)
    with torch.no_grad():
        out = net(lrs, HALF, return_aux=True)
    assert out['frames'].shape == (1, 2 * t - 1, 3, 32, 48)
    assert out['lr_mid'].shape == (1, t - 1, 3, 8, 12)
    assert out['hr_stage1'].shape == out['frames'].shape
    assert out['flow_fwd'].shape == out['flow_bwd'].shape == (1, t - 1, 2, 8, 12)
    with pytest.raises(ValueError, match='halfway'):
        net(lrs, torch.tensor([0.25, 0.5]))


def test_inner_frames_are_the_mean_of_both_pairs():
    torch.manual_seed(0)
    net = _tiny_net(flow_refinement=None).eval()
    lrs = torch.rand(1, 3, 3, 8, 8)
    fwd, bwd = torch.randn(1, 2, 2, 8, 8), torch.randn(1, 2, 2, 8, 8)
    with torch.no_grad():
        whole = net(lrs, HALF, fwd, bwd)
        first = net(lrs[:, :2], HALF, fwd[:, :1], bwd[:, :1])
        second = net(lrs[:, 1:], HALF, fwd[:, 1:], bwd[:, 1:])
    # the pairs run batched or alone: equal up to float rounding of outputs of size ~100
    close = dict(rtol=1e-4, atol=1e-3)
    torch.testing.assert_close(whole[:, :2], first[:, :2], **close)
    torch.testing.assert_close(whole[:, 2], (first[:, 2] + second[:, 0]) / 2, **close)
    torch.testing.assert_close(whole[:, 3:], second[:, 1:], **close)
    frames = _assemble(torch.zeros(1, 1, 1, 1, 1), torch.ones(1, 1, 1, 1, 1),
                       2 * torch.ones(1, 1, 1, 1, 1))
    assert frames.flatten().tolist() == [0., 1., 2.]


def test_flows_are_clipped_and_scaled_like_the_authors():
    flow = torch.tensor([-300., -150., -75., 0., 75., 150., 300.])
    # rescale_flow(x, -1, 1) of the authors' dataset.py: +150 -> -1
    assert normalize_flow(flow).tolist() == [1., 1., 0.5, 0., -0.5, -1., -1.]


def test_pipeline_flows_are_used_and_missing_ones_computed():
    torch.manual_seed(0)
    net = _tiny_net(flow_refinement=None).eval()
    lrs = torch.rand(1, 2, 3, 16, 16)
    with torch.no_grad():
        own = net(lrs, HALF)
        given = net(lrs, HALF, *_farneback(lrs))
        other = net(lrs, HALF, torch.full((1, 1, 2, 16, 16), 40.), torch.zeros(1, 1, 2, 16, 16))
    torch.testing.assert_close(own, given)
    assert not torch.allclose(own, other)


def _farneback(lrs):
    from mmstvsr.utils.flow import batch_neighbour_flows
    return batch_neighbour_flows(lrs)


def test_flow_refinement_adds_the_unet_output():
    """Eq. 14, ``F^ = F + Net_flow(cat(F, I_a, I_b))``, with a non-zero flow: dropping ``F +``
    or feeding another flow to the U-Net fails."""
    torch.manual_seed(0)
    net = _tiny_net()
    flow = torch.randn(2, 2, 16, 16) * 0.5
    a, b = torch.rand(2, 3, 16, 16), torch.rand(2, 3, 16, 16)
    refined = net.flow_refinement(flow, a, b)
    correction = net.flow_refinement.unet(torch.cat([flow, a, b], 1))
    assert ((correction > 0) & (correction < 1)).all()  # the authors' sigmoid output
    torch.testing.assert_close(refined, flow + correction)
    assert (refined - correction).abs().mean() > 0.1  # the flow itself is in the sum


def test_unet_levels_and_sizes():
    unet = UNet(8, 2, 64, 5, out_act='sigmoid')
    assert _count(unet) == 53_518_594
    assert [m[0].in_channels for m in unet.downs] == [64, 128, 256, 512, 1024]
    assert unet.downs[-1][-3].out_channels == 1024  # the deepest level keeps 1024
    small = UNet(3, 1, 4, 3).eval()
    for size in [(20, 36), (5, 7), (33, 17)]:
        assert small(torch.rand(1, 3, *size)).shape == (1, 1, *size)


def test_rbpn_single_image_mode_and_checks():
    torch.manual_seed(0)
    rbpn = RBPN(3, 16, 8, 2, 1, num_neighbors=0)
    rgb, feat = rbpn(torch.rand(1, 3, 6, 6), [])
    assert rgb.shape == (1, 3, 24, 24) and feat.shape == (1, 8, 24, 24)
    two = RBPN(3, 16, 8, 2, 1, num_neighbors=1)
    with pytest.raises(ValueError, match='neighbour'):
        two(torch.rand(1, 3, 6, 6), [])
    with pytest.raises(ValueError, match='flow'):
        two(torch.rand(1, 3, 6, 6), [torch.rand(1, 3, 6, 6)])


def test_pyramid_module_follows_the_authors_schedule():
    """The loop equals the authors' unrolled three-scale schedule, written out here."""
    torch.manual_seed(0)
    pm = PyramidModule(4).eval()
    x = torch.rand(1, 4, 16, 16)
    l1, l2, l3 = pm.blocks
    d1, d2 = pm.downs
    u1, u2 = pm.ups
    with torch.no_grad():
        o11 = l1[0](x)
        o21 = l2[0](d1(o11))
        o31 = l3[0](d2(o21))
        o12 = l1[1](o11 + u1(o21))
        o22 = l2[1](o21 + d1(o12) + u2(o31))
        o32 = l3[1](o31 + d2(o22))
        o13 = l1[2](o12 + u1(o22))
        o23 = l2[2](o22 + d1(o13) + u2(o32))
        o33 = l3[2](o32 + d2(o23))
        o14 = l1[3](o13 + u1(o23))
        o24 = l2[3](o23 + d1(o14) + u2(o33))
        o15 = l1[4](o14 + u1(o24))
        torch.testing.assert_close(pm(x), pm.final(o15))


def _batch(t=2, size=16, scale=4, flows=True):
    samples = DataSample()
    data = dict(gt_img=torch.rand(1, 2 * t - 1, 3, size * scale, size * scale))
    if flows:
        for key in ('flow_fwd', 'flow_bwd', 'flow_fwd_gt', 'flow_bwd_gt'):
            data[key] = torch.randn(1, t - 1, 2, size, size) * 3
    samples.set_tensor_data(data)
    return torch.rand(1, t, 3, size, size), samples


def _tiny_variant(path):
    cfg = Config.fromfile(path).model
    for key in TINY_SIZES:
        cfg.generator[key] = TINY.generator[key]
    if cfg.generator.get('flow_refinement') is not None:
        cfg.generator.flow_refinement = TINY.generator.flow_refinement
    cfg.perceptual_loss = None
    return cfg


@pytest.mark.parametrize('path', CONFIGS, ids=[osp.basename(p)[:-3] for p in CONFIGS])
def test_every_variant_runs_forward_and_backward(path):
    torch.manual_seed(0)
    cfg = _tiny_variant(path)
    model = MODELS.build(cfg)
    hr_inputs = 'lr_mid' in model.loss_weights and len(model.loss_weights) == 1 and \
        't-hr' in osp.basename(path)
    lrs, samples = _batch(scale=1 if hr_inputs else 4)
    losses = model(lrs, samples, mode='loss')
    total = sum(losses.values())
    total.backward()
    assert torch.isfinite(total)
    assert any(p.grad is not None and p.grad.abs().sum() > 0
               for p in model.generator.parameters())
    if model.generator.flow_refinement is not None:
        assert 'loss_flow' in losses
        assert model.generator.flow_refinement.unet.out_conv.weight.grad.abs().sum() > 0
    with torch.no_grad():
        out = model(lrs, samples)
    size = lrs.shape[-1] * (1 if isinstance(model.generator, STARnetLROutputNet) else 4)
    assert out.shape == (1, 3, 3, size, size)


def test_training_objectives_pick_their_targets():
    torch.manual_seed(0)
    model = MODELS.build(TINY)
    lrs, samples = _batch()
    out = model.forward_tensor(lrs, samples, return_aux=True)
    gt = samples.gt_img
    l1 = model.pixel_loss
    expected = 0.
    for suffix, w in (('_stage1', 0.4), ('', 1.0)):
        hr, lr_mid = out['hr' + suffix], out['lr_mid' + suffix]
        expected += w * (0.5 * l1(hr[:, 0::2], gt[:, 0::2]) + l1(hr[:, 1:2], gt[:, 1:2]) +
                         l1(lr_mid, model.downsample(gt[:, 1:2])))
    losses = model(lrs, samples, mode='loss')
    torch.testing.assert_close(losses['loss_pix'], expected)
    flow_expected = 0.1 * sum(
        torch.mean((out[k] - normalize_flow(samples.get(k + '_gt')))**2)
        for k in ('flow_fwd', 'flow_bwd'))
    torch.testing.assert_close(losses['loss_flow'], flow_expected)


def test_flow_loss_needs_the_pipelines_targets():
    model = MODELS.build(TINY)
    lrs, samples = _batch(flows=False)
    with pytest.raises(KeyError, match='InBetweenFlows'):
        model(lrs, samples, mode='loss')
    bad = dict(TINY, flow_loss=dict(type='MSELoss', loss_weight=0.1))
    bad['generator'] = dict(TINY.generator, flow_refinement=None)
    with pytest.raises(ValueError, match='flow_refinement'):
        MODELS.build(bad)


def test_fine_tunes_load_the_star_checkpoint():
    for name in ('st', 's', 't-lr', 't-hr'):
        cfg = Config.fromfile(
            osp.join(ROOT, 'configs', 'starnet', f'starnet-{name}_x4_1xb10-20e_vimeo-triplet.py'))
        # the STAR checkpoint comes on the command line (--cfg-options load_from=...), as the
        # config's header shows: no config names a run's work dir
        assert cfg.load_from is None
        assert cfg.train_cfg.max_epochs == 20


def test_tiny_starnet_learns(real_batch):
    """A few Adamax steps on a real clip (two inputs, the true midpoint as target) lower the
    loss."""
    torch.manual_seed(0)
    model = MODELS.build(TINY)
    lrs, samples = real_batch(t=2, size=16)
    optim = torch.optim.Adamax(model.parameters(), lr=1e-3)
    losses = []
    for _ in range(6):
        optim.zero_grad()
        loss = sum(model(lrs, samples, mode='loss').values())
        loss.backward()
        optim.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]


def test_residual_init_scale_brings_the_outputs_near_the_image_range():
    outputs = {}
    for scale in (1., 0.1):
        torch.manual_seed(0)
        net = _tiny_net(res_init_scale=scale).eval()
        with torch.no_grad():
            outputs[scale] = net(torch.rand(1, 2, 3, 16, 16), HALF).abs().mean()
        if scale == 0.1:
            torch.manual_seed(0)
            reference = _tiny_net()
            torch.testing.assert_close(net.space_time_sr[0].conv2.weight,
                                       0.1 * reference.space_time_sr[0].conv2.weight)
            torch.testing.assert_close(net.space_time_sr[0].conv1.weight,
                                       reference.space_time_sr[0].conv1.weight)
    assert outputs[0.1] < 0.2 * outputs[1.]
