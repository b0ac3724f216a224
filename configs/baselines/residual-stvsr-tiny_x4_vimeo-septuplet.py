# The smallest learned space-time model of the toolbox: bicubic + blending corrected by a learned
# residual (ResidualSTVSRNet, 16 channels). Trains on a CPU; used by the tests. The non-learned
# base config has no training parts: the training set and schedule are added here.
_base_ = [
    './bicubic-average_x4_vimeo-septuplet.py', '../_base_/datasets/vimeo90k_septuplet_x4_train.py',
    '../_base_/schedules/adam_iter.py'
]

model = dict(generator=dict(type='ResidualSTVSRNet', scale=4, mid_channels=16, num_blocks=1))

train_dataloader = dict(batch_size=2, num_workers=0)
val_dataloader = dict(num_workers=0)
test_dataloader = val_dataloader

train_cfg = dict(max_iters=2000, val_interval=1000)
param_scheduler = dict(milestones=[1500])
default_hooks = dict(
    logger=dict(interval=10), checkpoint=dict(interval=500, max_keep_ckpts=3))
