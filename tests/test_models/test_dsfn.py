"""Dual-Stream Fusion Network: M_S / M_T adapters over MMagic's networks, ESPCN, Super SloMo,
both streams, fusion (Eq. 9), refinement (Eq. 10), the six losses (Eq. 11-17), the training
stages and their configs."""
import glob
import os.path as osp

import pytest
import torch
import torch.nn.functional as F
from mmagic.registry import MODELS
from mmagic.structures import DataSample
from mmengine import Config
from mmengine.optim import OptimWrapper

from mmstvsr.models.archs import SuperSloMoUNet, rgb_to_ycbcr, ycbcr_to_rgb
from mmstvsr.models.editors.classical.classical_stvsr_net import BicubicFlowNet
from mmstvsr.utils.checkpoint import CheckpointError

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = sorted(glob.glob(osp.join(ROOT, 'configs', 'dsfn', '*.py')))

ESPCN_Y = dict(type='SpatialUpsampler', backbone=dict(type='ESPCNNet', mid_channels=(8, 8, 4)),
               scale=2, colour='y')
SLOMO = dict(type='TemporalUpsampler',
             backbone=dict(type='SuperSloMoNet', base_channels=4, num_levels=3), time_arg='t')


def _net(**kwargs):
    cfg = dict(type='DualStreamFusionNet', spatial=ESPCN_Y, temporal=SLOMO,
               fusion=dict(base_channels=4, num_levels=3), refinement=dict(mid_channels=8))
    cfg.update(kwargs)
    return MODELS.build(cfg)


def _conv_params(c_in, c_out, k):
    return c_in * c_out * k * k + c_out


def test_superslomo_unet_has_the_authors_layout_and_takes_any_size():
    # the authors' UNet(6, 4): 7x7 stem, 5x5 first level, 3x3 below, conv-then-concat decoder
    enc = [32, 64, 128, 256, 512, 512]
    expected = _conv_params(6, 32, 7) + _conv_params(32, 32, 7)
    for k in range(5):
        kernel = 5 if k == 0 else 3
        expected += _conv_params(enc[k], enc[k + 1], kernel) + _conv_params(
            enc[k + 1], enc[k + 1], kernel)
    for k in range(5, 0, -1):
        expected += _conv_params(enc[k], enc[k - 1], 3) + _conv_params(
            2 * enc[k - 1], enc[k - 1], 3)
    expected += _conv_params(32, 4, 3)
    unet = SuperSloMoUNet(6, 4)
    assert sum(p.numel() for p in unet.parameters()) == expected
    small = SuperSloMoUNet(3, 2, base_channels=4, num_levels=3)
    assert small(torch.rand(2, 3, 13, 21)).shape == (2, 2, 13, 21)


def test_espcn_layout_and_shape():
    net = MODELS.build(dict(type='ESPCNNet'))
    expected = (_conv_params(1, 64, 5) + _conv_params(64, 64, 3) + _conv_params(64, 32, 3) +
                _conv_params(32, 4, 3))
    assert sum(p.numel() for p in net.parameters()) == expected
    out = net(torch.rand(2, 1, 9, 11))
    assert out.shape == (2, 1, 18, 22) and 0 <= out.min() and out.max() <= 1


def test_refinement_has_the_authors_layout():
    # the authors' MultipleBasicBlock_4: 7x7 conv + ReLU, three BasicBlocks whose 3x3 convs have
    # no bias, 3x3 conv to RGB
    net = MODELS.build(dict(type='RefinementModule'))
    expected = _conv_params(3, 128, 7) + 3 * 2 * 128 * 128 * 9 + _conv_params(128, 3, 3)
    assert sum(p.numel() for p in net.parameters()) == expected
    blocks = [m for m in net.body if hasattr(m, 'conv1')]
    assert len(blocks) == 3 and all(b.conv1.bias is None and b.conv2.bias is None for b in blocks)


def test_ycbcr_round_trip_and_luma_of_the_metric():
    x = torch.rand(2, 3, 5, 6)
    torch.testing.assert_close(ycbcr_to_rgb(rgb_to_ycbcr(x)), x, atol=1e-5, rtol=0)
    luma = (16 + 65.481 * x[:, 0] + 128.553 * x[:, 1] + 24.966 * x[:, 2]) / 255
    torch.testing.assert_close(rgb_to_ycbcr(x)[:, 0], luma)


def test_y_channel_upsampler_runs_the_network_on_luma_and_bicubic_on_chroma():
    torch.manual_seed(0)
    ms = MODELS.build(ESPCN_Y)
    x = torch.rand(2, 3, 7, 9)
    out = ms(x)
    ycbcr = rgb_to_ycbcr(out)
    src = rgb_to_ycbcr(x)
    torch.testing.assert_close(ycbcr[:, :1], ms.backbone(src[:, :1]), atol=1e-5, rtol=0)
    chroma = F.interpolate(src[:, 1:], scale_factor=2, mode='bicubic', align_corners=False)
    torch.testing.assert_close(ycbcr[:, 1:], chroma, atol=1e-5, rtol=0)


@pytest.mark.parametrize('backbone', [
    dict(type='EDSRNet', in_channels=3, out_channels=3, mid_channels=8, num_blocks=1,
         upscale_factor=2),
    dict(type='RDNNet', in_channels=3, out_channels=3, mid_channels=8, num_blocks=1,
         num_layers=1, channel_growth=4, upscale_factor=2),
    dict(type='SRCNNNet', channels=(3, 8, 4, 3), upscale_factor=2),
    dict(type='MSRResNet', in_channels=3, out_channels=3, mid_channels=8, num_blocks=1,
         upscale_factor=2),
], ids=lambda b: b['type'])
def test_mmagic_sr_networks_work_as_ms(backbone):
    ms = MODELS.build(dict(type='SpatialUpsampler', backbone=backbone, scale=2))
    assert ms(torch.rand(2, 3, 11, 13)).shape == (2, 3, 22, 26)


def test_ms_scale_mismatch_is_a_clear_error():
    ms = MODELS.build(dict(type='SpatialUpsampler', scale=2, backbone=dict(
        type='EDSRNet', in_channels=3, out_channels=3, mid_channels=8, num_blocks=1,
        upscale_factor=4)))
    with pytest.raises(RuntimeError, match='EDSRNet returned .* upscale factor'):
        ms(torch.rand(1, 3, 8, 8))
    with pytest.raises(ValueError, match="colour must be 'rgb' or 'y'"):
        MODELS.build(dict(ESPCN_Y, colour='yuv'))


@pytest.mark.parametrize('backbone,divisor', [
    (dict(type='CAINNet', num_block_groups=1, num_block_layers=1, depth=2), 4),
    (dict(type='FLAVRNet', num_input_frames=2, num_output_frames=1,
          mid_channels_list=[32, 16, 8, 4], encoder_layers_list=[1, 1, 1, 1]), 8),
    (dict(type='TOFlowVFINet'), 16),
], ids=['CAINNet', 'FLAVRNet', 'TOFlowVFINet'])
def test_mmagic_interpolation_networks_work_as_mt(backbone, divisor):
    mt = MODELS.build(dict(type='TemporalUpsampler', backbone=backbone, size_divisor=divisor))
    pair = torch.rand(2, 2, 3, 30, 22)
    before = pair.clone()
    assert mt(pair).shape == (2, 3, 30, 22)
    torch.testing.assert_close(pair, before)  # CAINNet normalises its input in place
    with pytest.raises(ValueError, match='only interpolates the midpoint'):
        mt(pair, 0.25)


def test_superslomo_blends_the_warped_frames_as_eq_1():
    torch.manual_seed(0)
    net = MODELS.build(dict(type='SuperSloMoNet', base_channels=4, num_levels=3))
    pair = torch.rand(1, 2, 3, 16, 24)
    # zero flows, zero residuals and V_t0 = 0.5: the frame is (1 - t) I_0 + t I_1
    for unet in (net.flow_net, net.interp_net):
        torch.nn.init.zeros_(unet.out_conv.weight)
        torch.nn.init.zeros_(unet.out_conv.bias)
    for t in (0.5, 0.25):
        torch.testing.assert_close(net(pair, t), (1 - t) * pair[:, 0] + t * pair[:, 1])


def test_both_streams_fusion_and_refinement_follow_the_equations():
    torch.manual_seed(0)
    net = _net().eval()
    lrs = torch.rand(2, 3, 3, 12, 20)
    with torch.no_grad():
        out = net(lrs, torch.tensor([0.5]), return_aux=True)
        ms, mt = net.spatial, net.temporal
        # Eq. 1, 5 and 8 for the second gap
        torch.testing.assert_close(out['hr_keys'][:, 2], ms(lrs[:, 2]))
        lr_mid = mt(lrs[:, 1:3], 0.5)
        torch.testing.assert_close(out['lr_mid'][:, 1], lr_mid)
        torch.testing.assert_close(out['hr_ts'][:, 1], ms(lr_mid))
        torch.testing.assert_close(out['hr_st'][:, 1], mt(ms(lrs[:, 1:3].flatten(0, 1)).view(
            2, 2, 3, 24, 40), 0.5))
        # Eq. 9 and 10
        fused = out['mask_st'] * out['hr_st'] + out['mask_ts'] * out['hr_ts']
        torch.testing.assert_close(out['hr_fused'], fused)
        refined = out['hr_fused'] + net.refinement.body(out['hr_fused'].flatten(0, 1)).view(
            2, 2, 3, 24, 40)
        torch.testing.assert_close(out['hr_refined'], refined)
    assert out['frames'].shape == (2, 5, 3, 24, 40)
    torch.testing.assert_close(out['frames'][:, 0::2], out['hr_keys'])
    torch.testing.assert_close(out['frames'][:, 1::2], out['hr_refined'])
    assert out['mask_st'].shape == (2, 2, 1, 24, 40)


def test_one_mask_fusion_and_no_refinement():
    net = _net(fusion=dict(two_mask=False, base_channels=4, num_levels=3), refinement=None)
    out = net(torch.rand(1, 2, 3, 8, 8), torch.tensor([0.5]), return_aux=True)
    torch.testing.assert_close(out['mask_st'], 1 - out['mask_ts'])
    assert 'hr_refined' not in out
    torch.testing.assert_close(out['frames'][:, 1], out['hr_fused'][:, 0])


def test_several_intermediate_times_are_gap_major():
    net = _net().eval()
    lrs = torch.rand(1, 3, 3, 8, 8)
    with torch.no_grad():
        out = net(lrs, torch.tensor([0.25, 0.5, 0.75]), return_aux=True)
        assert out['frames'].shape == (1, 9, 3, 16, 16)
        torch.testing.assert_close(out['lr_mid'][:, 4], net.temporal(lrs[:, 1:3], 0.5))
        torch.testing.assert_close(out['frames'][:, 4], out['hr_keys'][:, 1])
        torch.testing.assert_close(out['frames'][:, 7], out['hr_refined'][:, 5])


def test_cascades_give_one_stream():
    for order in ('st', 'ts'):
        net = MODELS.build(dict(type='SpaceTimeCascadeNet', spatial=ESPCN_Y, temporal=SLOMO,
                                order=order))
        out = net(torch.rand(1, 2, 3, 8, 8), torch.tensor([0.5]), return_aux=True)
        assert set(out) == {'hr_keys', 'frames', 'hr_' + order} | (
            {'lr_mid'} if order == 'ts' else set())
        torch.testing.assert_close(out['frames'][:, 1], out['hr_' + order][:, 0])
    with pytest.raises(ValueError, match="order must be 'st'"):
        MODELS.build(dict(type='SpaceTimeCascadeNet', spatial=ESPCN_Y, temporal=SLOMO,
                          order='both'))


def _model(**kwargs):
    generator = kwargs.pop('generator', dict(
        type='DualStreamFusionNet', spatial=ESPCN_Y, temporal=SLOMO,
        fusion=dict(base_channels=4, num_levels=3), refinement=dict(mid_channels=8)))
    return MODELS.build(dict(
        type='DSFN', generator=generator, pixel_loss=dict(type='L1Loss'), scale=2, **kwargs,
        data_preprocessor=dict(type='DataPreprocessor', mean=[0.] * 3, std=[255.] * 3)))


def _batch(t=2, size=12):
    samples = DataSample()
    samples.set_tensor_data(dict(gt_img=torch.rand(2, 2 * t - 1, 3, 2 * size, 2 * size)))
    return torch.rand(2, t, 3, size, size), samples


def test_six_losses_are_the_equations():
    torch.manual_seed(0)
    model = _model()
    lrs, samples = _batch(t=3)
    losses = model(lrs, samples, mode='loss')
    out = model(lrs, samples, mode='tensor', return_aux=True)  # every output, for inspection
    gt = samples.gt_img
    l1 = F.l1_loss
    expected = dict(
        loss_st=l1(out['hr_st'], gt[:, 1::2]), loss_ts=l1(out['hr_ts'], gt[:, 1::2]),
        loss_fused=l1(out['hr_fused'], gt[:, 1::2]),
        loss_refined=l1(out['hr_refined'], gt[:, 1::2]),
        loss_ms=l1(out['hr_keys'], gt[:, 0::2]),
        loss_mt=l1(out['lr_mid'], model.downsample(gt[:, 1::2])))
    assert set(losses) == set(expected)
    for key, value in expected.items():
        torch.testing.assert_close(losses[key], value)
    stage2 = _model(loss_weights=dict(fused=1., refined=0.5))
    stage2.load_state_dict(model.state_dict())
    losses = stage2(lrs, samples, mode='loss')
    assert set(losses) == {'loss_fused', 'loss_refined'}
    torch.testing.assert_close(losses['loss_refined'], 0.5 * expected['loss_refined'])


def test_loss_weight_errors():
    with pytest.raises(ValueError, match='loss_weights takes weights for'):
        _model(loss_weights=dict(warp=1.))
    no_r = dict(type='DualStreamFusionNet', spatial=ESPCN_Y, temporal=SLOMO,
                fusion=dict(base_channels=4, num_levels=3), refinement=None)
    with pytest.raises(ValueError, match='no refinement module'):
        _model(generator=no_r)
    cascade = dict(type='SpaceTimeCascadeNet', spatial=ESPCN_Y, temporal=SLOMO, order='st')
    model = _model(generator=cascade, loss_weights=dict(st=1., ts=1.))
    with pytest.raises(KeyError, match="gives no hr_ts"):
        model(*_batch(), mode='loss')


def test_stage_2_freezes_ms_and_mt():
    torch.manual_seed(0)
    model = _model(loss_weights=dict(fused=1., refined=1.))
    model.generator.freeze(('spatial', 'temporal'))
    model.train()
    assert not model.generator.spatial.training and not model.generator.temporal.training
    assert model.generator.fusion.training
    frozen = {k: v.clone() for k, v in model.generator.state_dict().items()
              if k.startswith(('spatial', 'temporal'))}
    fusion_before = model.generator.fusion.unet.out_conv.weight.clone()
    wrapper = OptimWrapper(torch.optim.RAdam(model.parameters(), lr=1e-2, weight_decay=0.1,
                                             decoupled_weight_decay=True))
    lrs, samples = _batch()
    data = dict(inputs=list(lrs * 255),
                data_samples=[DataSample(gt_img=gt * 255) for gt in samples.gt_img])
    for _ in range(2):
        model.train_step(data, wrapper)
    for name, param in model.generator.named_parameters():
        if name.startswith(('spatial', 'temporal')):
            assert not param.requires_grad and param.grad is None, name
    for key, value in model.generator.state_dict().items():
        if key in frozen:
            torch.testing.assert_close(value, frozen[key], rtol=0, atol=0)
    assert not torch.equal(model.generator.fusion.unet.out_conv.weight, fusion_before)
    with pytest.raises(ValueError, match="got 'warp'"):
        model.generator.freeze(('warp', ))


def test_pretrained_weights_load_from_state_dicts_and_runner_checkpoints(tmp_path):
    source = MODELS.build(ESPCN_Y)
    plain, runner = tmp_path / 'espcn.pth', tmp_path / 'iter_1.pth'
    torch.save(source.backbone.state_dict(), plain)
    torch.save(dict(state_dict={f'generator.spatial.backbone.{k}': v
                                for k, v in source.backbone.state_dict().items()}), runner)
    x = torch.rand(1, 3, 6, 6)

    def pretrained(path, **kwargs):
        return dict(init_cfg=dict(type='Pretrained', checkpoint=str(path), **kwargs))

    for path, prefix in ((plain, None), (runner, 'generator.spatial.backbone.')):
        ms = MODELS.build(dict(ESPCN_Y, **pretrained(path, prefix=prefix)))
        ms.init_weights()
        torch.testing.assert_close(ms(x), source(x))
    ms = MODELS.build(dict(ESPCN_Y, **pretrained(runner, prefix='generator.spatial.')))
    with pytest.raises(CheckpointError, match="ESPCNNet under prefix='generator.spatial.'"):
        ms.init_weights()
    ms = MODELS.build(dict(ESPCN_Y, **pretrained(runner, prefix='ema.')))
    with pytest.raises(CheckpointError, match="no weights under prefix='ema.'"):
        ms.init_weights()
    ms = MODELS.build(dict(ESPCN_Y, **pretrained(tmp_path / 'none.pth')))
    with pytest.raises(FileNotFoundError, match='none.pth not found: the weights of ESPCNNet'):
        ms.init_weights()
    wide = MODELS.build(dict(ESPCN_Y, backbone=dict(type='ESPCNNet'), **pretrained(plain)))
    with pytest.raises(CheckpointError, match='does not hold the weights of ESPCNNet'):
        wide.init_weights()


def test_bicubic_flow_baseline_is_unchanged_by_the_shared_intermediate_flows():
    net = BicubicFlowNet(scale=2)
    lrs = torch.rand(1, 2, 3, 16, 16)
    fwd, bwd = torch.randn(1, 1, 2, 16, 16), torch.randn(1, 1, 2, 16, 16)
    out = net(lrs, torch.tensor([0.25]), flow_fwd=fwd, flow_bwd=bwd)
    hrs = out[:, [0, 2]]
    f01 = F.interpolate(fwd[:, 0], scale_factor=2, mode='bilinear', align_corners=False) * 2
    f10 = F.interpolate(bwd[:, 0], scale_factor=2, mode='bilinear', align_corners=False) * 2
    t = 0.25
    f_t0 = -(1 - t) * t * f01 + t * t * f10
    f_t1 = (1 - t)**2 * f01 - t * (1 - t) * f10
    from mmagic.models.utils import flow_warp
    w0 = flow_warp(hrs[:, 0], f_t0.permute(0, 2, 3, 1), padding_mode='border')
    w1 = flow_warp(hrs[:, 1], f_t1.permute(0, 2, 3, 1), padding_mode='border')
    torch.testing.assert_close(out[:, 1], (1 - t) * w0 + t * w1)


# ---------------------------------------------------------------------------------- configs
def _tiny(cfg):
    """Shrink every network of a DSFN / cascade config and drop its weight files."""
    gen = cfg.model.generator
    for key in ('spatial', 'temporal'):
        gen[key].pop('init_cfg', None)
    spatial, temporal = gen.spatial.backbone, gen.temporal.backbone
    if spatial.type == 'ESPCNNet':
        spatial.mid_channels = (8, 8, 4)
    else:
        spatial.update(mid_channels=8, num_blocks=1)
    if temporal.type == 'SuperSloMoNet':
        temporal.update(base_channels=4, num_levels=3)
    else:
        temporal.update(num_block_groups=1, num_block_layers=1, depth=2)
        gen.temporal.size_divisor = 4
    if gen.type == 'DualStreamFusionNet':
        gen.fusion.update(base_channels=4, num_levels=3)
        if gen.refinement is not None:
            gen.refinement.mid_channels = 8
    return cfg


@pytest.mark.parametrize('path', CONFIGS, ids=[osp.basename(p)[:-3] for p in CONFIGS])
def test_every_config_builds_and_runs_forward_and_backward(path):
    torch.manual_seed(0)
    cfg = _tiny(Config.fromfile(path))
    model = MODELS.build(cfg.model)
    scale = model.scale
    lrs = torch.rand(1, 2, 3, 16, 16)
    samples = DataSample()
    samples.set_tensor_data(dict(gt_img=torch.rand(1, 3, 3, 16 * scale, 16 * scale)))
    losses = model(lrs, samples, mode='loss')
    total = sum(losses.values())
    total.backward()
    assert torch.isfinite(total)
    trained = [n for n, p in model.generator.named_parameters() if p.grad is not None]
    assert trained
    frozen = tuple(cfg.model.generator.get('frozen', ()))
    frozen_params = [n for n, _ in model.generator.named_parameters() if n.startswith(frozen)]
    assert len(frozen_params) > 0 if frozen else not frozen_params  # names of real parts
    assert not set(frozen_params) & set(trained)  # a frozen part gets no gradient
    with torch.no_grad():
        assert model(lrs, samples).shape == (1, 3, 3, 16 * scale, 16 * scale)


def test_stages_chain_their_checkpoints():
    stage = {k: Config.fromfile(osp.join(
        ROOT, 'configs', 'dsfn', f'{k}_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py'))
        for k in ('dsfn-stage1', 'dsfn-stage2', 'dsfn')}
    # each stage starts from the checkpoint of the one before, given as load_from: no config
    # names a run's work dir
    assert all(cfg.load_from is None for cfg in stage.values())
    assert set(stage['dsfn-stage1'].model.loss_weights) == {'ms', 'mt'}
    assert stage['dsfn-stage2'].model.generator.frozen == ('spatial', 'temporal')
    assert set(stage['dsfn-stage2'].model.loss_weights) == {'fused', 'refined'}
    assert len(stage['dsfn'].model.loss_weights) == 6
    assert stage['dsfn'].optim_wrapper.optimizer.type == 'RAdam'
    keys = stage['dsfn'].optim_wrapper.paramwise_cfg.custom_keys
    assert keys['generator.spatial'].lr_mult == keys['generator.temporal'].lr_mult == 0.1


def _runner_cfg(name, work_dir, load_from):
    """A stage config at tiny widths, 2 iterations on the bundled real triplets, tested on the
    bundled held-out septuplets (the data of configs/dsfn/dsfn_tiny.py)."""
    cfg = _tiny(Config.fromfile(osp.join(ROOT, 'configs', 'dsfn', name)))
    tiny = Config.fromfile(osp.join(ROOT, 'configs', 'dsfn', 'dsfn_tiny.py'))
    data_root = osp.join(ROOT, 'tests', 'data', 'vimeo_septuplet')
    for dataset in tiny.train_dataloader.dataset.datasets:
        dataset.data_root = data_root
    tiny.test_dataloader.dataset.data_root = data_root
    cfg.merge_from_dict(dict(
        work_dir=work_dir, load_from=load_from, param_scheduler=[],
        train_dataloader=dict(tiny.train_dataloader, batch_size=2, _delete_=True),
        train_cfg=dict(_delete_=True, type='IterBasedTrainLoop', max_iters=2, val_interval=100),
        val_dataloader=None, val_cfg=None, val_evaluator=None,
        test_dataloader=dict(tiny.test_dataloader, _delete_=True),
        test_evaluator=tiny.test_evaluator,
        default_hooks=dict(checkpoint=dict(by_epoch=False, interval=2), logger=dict(interval=1)),
        log_processor=dict(by_epoch=False)))
    return cfg


def test_three_training_stages_run_and_stage_2_keeps_ms_and_mt(tmp_path):
    from mmengine.runner import Runner

    from mmstvsr.utils import load_from_local
    name = '{}_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py'
    checkpoints = {}
    load_from = None
    for stage in ('dsfn-stage1', 'dsfn-stage2', 'dsfn'):
        work_dir = str(tmp_path / stage)
        runner = Runner.from_cfg(_runner_cfg(name.format(stage), work_dir, load_from))
        runner.train()
        load_from = osp.join(work_dir, 'iter_2.pth')
        checkpoints[stage] = load_from_local(load_from)['state_dict']
    metrics = runner.test()
    assert 5 < metrics['Y-PSNR'] < 60 and 0 < metrics['Y-SSIM'] <= 1

    def part(stage, prefix):
        return {k: v for k, v in checkpoints[stage].items() if k.startswith(prefix)}

    for prefix in ('generator.spatial.', 'generator.temporal.'):
        before, after = part('dsfn-stage1', prefix), part('dsfn-stage2', prefix)
        assert before and all(torch.equal(before[k], after[k]) for k in before)
        final = part('dsfn', prefix)  # stage 3 fine-tunes everything
        assert any(not torch.equal(after[k], final[k]) for k in after)
    before, after = (part(s, 'generator.fusion.') for s in ('dsfn-stage1', 'dsfn-stage2'))
    assert any(not torch.equal(before[k], after[k]) for k in before)


def test_readme_parameter_counts():
    """README "Dual-Stream Fusion Network": "The default model has 60,369,362 parameters:
    ESPCN-Y 58,212, Super SloMo 39,610,473, fusion 19,793,538 and refinement 907,139"."""
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs', 'dsfn', 'dsfn_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py'))
    net = MODELS.build(cfg.model).generator

    def count(module):
        return sum(p.numel() for p in module.parameters())

    assert count(net) == 60_369_362
    assert [count(net.spatial), count(net.temporal), count(net.fusion),
            count(net.refinement)] == [58_212, 39_610_473, 19_793_538, 907_139]
