# Vimeo-90K triplets with STARnet's data: whole 112x64 LR frames (no crop), flips and 180-degree
# rotation (both flips), Farneback flows between the LR inputs and, for the flow loss (Eq. 15),
# the flows through the ground-truth in-between frame. Layout as vimeo90k_triplet_x4.py.
_base_ = ['./vimeo90k_triplet_x4.py']

flow_pack = dict(
    type='PackInputs', meta_keys=['key', 'clip', 'input_indices'],
    data_keys=['flow_fwd', 'flow_bwd'])
train_pipeline = [
    dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
    dict(type='MATLABBicubicDownsample', scale=4),
    dict(type='Flip', keys=['img', 'gt'], flip_ratio=0.5, direction='horizontal'),
    dict(type='Flip', keys=['img', 'gt'], flip_ratio=0.5, direction='vertical'),
    dict(type='FarnebackFlow', key='img'),
    dict(type='InBetweenFlows'),
    dict(flow_pack, data_keys=['flow_fwd', 'flow_bwd', 'flow_fwd_gt', 'flow_bwd_gt']),
]
test_pipeline = [
    dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
    dict(type='MATLABBicubicDownsample', scale=4),
    dict(type='FarnebackFlow', key='img'),
    flow_pack,
]
train_dataloader = dict(
    batch_size=10,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
