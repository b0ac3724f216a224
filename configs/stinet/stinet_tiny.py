# STINet with the full structure (dense DBPN, ST-FI, ST-LR, ST-GR, phase-1 heads, all losses) and a
# fraction of the channels: 16 features, a 2-stage DBPN trained with the rest (no pretrained
# weights), MCL with the Horn-Schunck estimator, no perceptual loss (VGG19 weights are a file the
# user must provide). For tests and CPU experiments: it trains on the real clips bundled in
# tests/data/vimeo_septuplet (mini_trainlist.txt) and is tested on its three held-out test clips.
_base_ = [
    './stinet_x4_2xb15-500k_vimeo-septuplet.py', '../_base_/models/stinet_tiny_s_sr.py'
]

model = dict(
    generator=dict(
        mid_channels=16,
        initializer=dict(_base_.tiny_dbpn, _delete_=True),  # trained with the rest
        num_shared_blocks=2,
        motion_channels=8),
    perceptual_loss=None)

bundled_data = 'tests/data/vimeo_septuplet'
train_dataloader = dict(
    batch_size=2,
    num_workers=0,
    dataset=dict(data_root=bundled_data, ann_file='mini_trainlist.txt'))
val_dataloader = dict(num_workers=0, dataset=dict(data_root=bundled_data))
test_dataloader = val_dataloader
train_cfg = dict(max_iters=2000, val_interval=1000)
param_scheduler = dict(milestones=[1000, 1500])
default_hooks = dict(logger=dict(interval=10), checkpoint=dict(interval=500, max_keep_ckpts=3))
find_unused_parameters = True
