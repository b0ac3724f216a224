# Stage 1 of the tiny STINet recipe: pretrain its S-SR initialiser (the 2-stage, 16-channel dense
# DBPN of stinet_tiny.py) as a single-image x4 SR network on the frames of the training clips, as
# the authors pretrain DBPN before training STINet with it frozen. L1 loss, Adam.
#   python tools/train.py configs/stinet/stinet-tiny-s-sr_x4_1xb16-4k_vimeo-septuplet-frames.py
# Single-image SR on every frame of the held-out test clips:
#   python tools/test.py configs/stinet/stinet-tiny-s-sr_x4_1xb16-4k_vimeo-septuplet-frames.py \
#       work_dirs/stinet-tiny-s-sr/iter_4000.pth
# Its checkpoint, published to checkpoints/ (`s_sr_checkpoint` of
# ../_base_/models/stinet_tiny_s_sr.py), is loaded by
# configs/stinet/stinet-tiny-frozen-s-sr_x4_1xb2-1k_vimeo-septuplet.py.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/datasets/vimeo90k_septuplet_frames_x4.py',
    '../_base_/schedules/adam_iter.py', '../_base_/models/stinet_tiny_s_sr.py'
]

model = dict(
    type='BaseEditModel',
    generator=dict(_base_.tiny_dbpn, return_rgb=True),
    pixel_loss=dict(type='L1Loss', loss_weight=1.0, reduction='mean'),
    data_preprocessor=dict(
        type='DataPreprocessor', mean=[0., 0., 0.], std=[255., 255., 255.]))

# the real clips bundled with the project, the held-out test clips left out
train_dataloader = dict(
    batch_size=16,
    num_workers=1,
    dataset=dict(data_root='tests/data/vimeo_septuplet', ann_file='mini_trainlist.txt'))
test_dataloader = dict(num_workers=0, dataset=dict(data_root='tests/data/vimeo_septuplet'))
train_cfg = dict(max_iters=4000, val_interval=4001)
val_cfg = None
val_dataloader = None
val_evaluator = None
optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-3, betas=(0.9, 0.999)))
param_scheduler = dict(milestones=[2500, 3500], gamma=0.25)
default_hooks = dict(logger=dict(interval=50), checkpoint=dict(interval=1000, max_keep_ckpts=2))
