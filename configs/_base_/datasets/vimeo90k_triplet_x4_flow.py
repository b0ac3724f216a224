# Vimeo-90K triplets with STARnet's data: whole 112x64 LR frames (no crop), flips and 180-degree
# rotation (both flips), Farneback flows between the LR inputs and, for the flow loss (Eq. 15),
# the flows through the ground-truth in-between frame. Layout as vimeo90k_triplet_x4.py.
_base_ = ['./vimeo90k_triplet_x4.py']

farneback = dict(type='FarnebackFlow', key='img')
flow_pack = dict(_base_.test_pipeline[-1], data_keys=['flow_fwd', 'flow_bwd'])
# the base pipelines without cropping and temporal reversal, the flows computed before packing
train_pipeline = [
    step for step in _base_.train_pipeline[:-1]
    if step.type not in ('PairedRandomCrop', 'TemporalReverse')
] + [
    farneback,
    dict(type='InBetweenFlows'),
    dict(flow_pack, data_keys=['flow_fwd', 'flow_bwd', 'flow_fwd_gt', 'flow_bwd_gt']),
]
test_pipeline = _base_.test_pipeline[:-1] + [farneback, flow_pack]
train_dataloader = dict(
    batch_size=10,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
