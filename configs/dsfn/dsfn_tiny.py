# Dual-Stream Fusion Network with the full structure (ESPCN on Y as M_S, Super SloMo as M_T, both
# streams, two-mask fusion U-Net, refinement, the six L1 losses) and narrow / shallow U-Nets, for
# tests and CPU experiments. Trained from scratch in one stage with all six losses (M_S and M_T
# learn from L_MS and L_MT as in stage 1 while F and R learn), on the real clips bundled in
# tests/data/vimeo_septuplet (mini_trainlist.txt, each septuplet giving the triplets 1-3, 3-5,
# 5-7; HR crops of 96), and tested on the three held-out septuplets at x2: frames 1, 3, 5, 7 in,
# all 7 out, compared with configs/baselines/bicubic-flow_x2_vimeo-septuplet.py.
#   python tools/train.py configs/dsfn/dsfn_tiny.py
#   python tools/test.py configs/dsfn/dsfn_tiny.py work_dirs/dsfn_tiny/iter_800.pth
_base_ = [
    './dsfn_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py',
    '../_base_/datasets/vimeo90k_bundled_clips.py'
]

model = dict(
    generator=dict(
        temporal=dict(backbone=dict(base_channels=8, num_levels=4)),
        fusion=dict(base_channels=8, num_levels=4),
        refinement=dict(mid_channels=32)))

tiny_train_pipeline = [
    dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
    dict(type='MATLABBicubicDownsample', scale=2),
    dict(type='PairedRandomCrop', gt_patch_size=96),
    dict(type='Flip', keys=['img', 'gt'], flip_ratio=0.5, direction='horizontal'),
    dict(type='Flip', keys=['img', 'gt'], flip_ratio=0.5, direction='vertical'),
    dict(type='TemporalReverse', keys=['img', 'gt'], reverse_ratio=0.5),
    dict(type='PackInputs', meta_keys=['key', 'clip', 'input_indices']),
]
train_dataloader = dict(
    _delete_=True,
    batch_size=4,
    num_workers=0,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='ConcatDataset',
        datasets=[dict(triplets, pipeline=tiny_train_pipeline)
                  for triplets in _base_.bundled_train_triplets]))
val_dataloader = dict(
    num_workers=0,
    dataset=_base_.bundled_test_septuplets)
test_dataloader = val_dataloader
# all 7 frames scored, as the baseline
val_evaluator = [dict(type='STVSRMetric')]
test_evaluator = val_evaluator

train_cfg = dict(_delete_=True, type='IterBasedTrainLoop', max_iters=800, val_interval=800)
# from scratch: every network at lr 5e-4, no weight decay
optim_wrapper = dict(
    optimizer=dict(lr=5e-4, weight_decay=0.),
    paramwise_cfg=dict(
        custom_keys={
            'generator.spatial': dict(lr_mult=1.),
            'generator.temporal': dict(lr_mult=1.),
        }))
param_scheduler = [dict(type='MultiStepLR', by_epoch=False, milestones=[560, 720], gamma=0.25)]
default_hooks = dict(
    logger=dict(interval=10), checkpoint=dict(by_epoch=False, interval=200, max_keep_ckpts=4))
log_processor = dict(by_epoch=False)
