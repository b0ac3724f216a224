# Dual-Stream Fusion Network (Tseng et al., 2021), training stage 3: M_S = ESPCN on the Y channel
# (CbCr bicubic), M_T = Super SloMo, both streams (S->T and T->S), two-mask fusion U-Net,
# refinement, all six L1 losses with equal weights (Eq. 17), everything fine-tuned jointly.
# x2 space, x2 time on Vimeo-90K triplets (whole frames), batch 24, RAdam with the authors'
# learning rates per network: 1e-5 for M_S and M_T (M_T with weight decay 5e-4), 1e-4 for F and R.
# The three stages (pretrain M_S and M_T; train F and R with them frozen; fine-tune all), each
# from the last checkpoint of the one before, given as `load_from` (in the default work dirs,
# STAGE1=work_dirs/dsfn-stage1_espcn-superslomo_x2_1xb24-50e_vimeo-triplet/epoch_50.pth, and
# STAGE2 the same of dsfn-stage2_...):
#   python tools/train.py configs/dsfn/dsfn-stage1_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py
#   python tools/train.py configs/dsfn/dsfn-stage2_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py \
#       --cfg-options load_from=$STAGE1
#   python tools/train.py configs/dsfn/dsfn_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py \
#       --cfg-options load_from=$STAGE2
#   python tools/test.py configs/dsfn/dsfn_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py CKPT
# Tested as the paper: the middle frame of each test triplet, RGB PSNR (and Y-PSNR / Y-SSIM).
_base_ = [
    '../_base_/default_runtime.py', '../_base_/datasets/vimeo90k_triplet_x2.py',
    '../_base_/schedules/radam_epoch.py'
]

model = dict(
    type='DSFN',
    generator=dict(
        type='DualStreamFusionNet',
        spatial=dict(
            type='SpatialUpsampler',
            backbone=dict(type='ESPCNNet', in_channels=1, mid_channels=(64, 64, 32), scale=2),
            scale=2,
            colour='y'),
        temporal=dict(
            type='TemporalUpsampler',
            backbone=dict(type='SuperSloMoNet', base_channels=32, num_levels=5),
            time_arg='t'),
        fusion=dict(two_mask=True, base_channels=32, num_levels=5),
        refinement=dict(mid_channels=128, num_blocks=3)),
    pixel_loss=dict(type='L1Loss', loss_weight=1.0, reduction='mean'),
    loss_weights=dict(st=1., ts=1., fused=1., refined=1., ms=1., mt=1.),
    scale=2,
    times=(0.5, ),
    data_preprocessor=dict(
        type='DataPreprocessor', mean=[0., 0., 0.], std=[255., 255., 255.]))

train_dataloader = dict(batch_size=24)
# base lr 1e-4 and weight decay 5e-4; per network as the authors' get_optimizer
optim_wrapper = dict(
    optimizer=dict(lr=1e-4, weight_decay=5e-4),
    paramwise_cfg=dict(
        custom_keys={
            'generator.spatial': dict(lr_mult=0.1, decay_mult=0.),
            'generator.temporal': dict(lr_mult=0.1, decay_mult=1.),
            'generator.fusion': dict(decay_mult=0.),
            'generator.refinement': dict(decay_mult=0.),
        }))
val_evaluator = [dict(type='STVSRMetric', frames=[1])]
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(by_epoch=True, interval=5, max_keep_ckpts=5))
log_processor = dict(by_epoch=True)
