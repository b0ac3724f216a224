# STARnet with the full structure (V4, RBPN NetS, NetM, NetST, both T-SR paths, stage 2, flow
# refinement U-Net, L_r with the flow loss) and a fraction of the channels, for tests and CPU
# experiments. It trains on the real clips bundled in tests/data/vimeo_septuplet
# (mini_trainlist.txt), each septuplet giving three triplets (frames 1-3, 3-5, 5-7), on LR crops
# of 32x32, and is tested on the three held-out septuplets: frames 1, 3, 5, 7 in, all 7 out (each
# pair of neighbouring inputs through the network; an inner input frame is the mean of its two
# estimates).
#   python tools/train.py configs/starnet/starnet_tiny.py
#   python tools/test.py configs/starnet/starnet_tiny.py work_dirs/starnet_tiny/iter_600.pth
_base_ = [
    './starnet_x4_1xb10-70e_vimeo-triplet.py',
    '../_base_/datasets/vimeo90k_bundled_clips.py'
]

model = dict(
    generator=dict(
        hr_channels=16,
        lr_channels=32,
        base_channels=32,
        num_stages=2,
        num_blocks=2,
        flow_refinement=dict(base_channels=8, num_levels=3),
        # residual branches start at 0.1x (MMagic's residual blocks): with the authors' init the
        # outputs start ~20-100x off the image range, which a short run cannot undo
        res_init_scale=0.1))

tiny_train_pipeline = [
    dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
    dict(type='MATLABBicubicDownsample', scale=4),
    dict(type='PairedRandomCrop', gt_patch_size=128),
    dict(type='Flip', keys=['img', 'gt'], flip_ratio=0.5, direction='horizontal'),
    dict(type='Flip', keys=['img', 'gt'], flip_ratio=0.5, direction='vertical'),
    dict(type='FarnebackFlow', key='img'),
    dict(type='InBetweenFlows'),
    dict(type='PackInputs', meta_keys=['key', 'clip', 'input_indices'],
         data_keys=['flow_fwd', 'flow_bwd', 'flow_fwd_gt', 'flow_bwd_gt']),
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
septuplet_test_pipeline = [
    dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
    dict(type='MATLABBicubicDownsample', scale=4),
    dict(type='FarnebackFlow', key='img'),
    dict(type='PackInputs', meta_keys=['key', 'clip', 'input_indices'],
         data_keys=['flow_fwd', 'flow_bwd']),
]
val_dataloader = dict(
    num_workers=0,
    persistent_workers=False,
    dataset=dict(_base_.bundled_test_septuplets, pipeline=septuplet_test_pipeline))
test_dataloader = val_dataloader

train_cfg = dict(_delete_=True, type='IterBasedTrainLoop', max_iters=600, val_interval=600)
optim_wrapper = dict(optimizer=dict(lr=5e-4))
param_scheduler = dict(by_epoch=False, milestones=[400, 520])
default_hooks = dict(
    logger=dict(interval=10), checkpoint=dict(by_epoch=False, interval=200, max_keep_ckpts=3))
log_processor = dict(by_epoch=False)
