# Vimeo-90K septuplet x4 (see vimeo90k_septuplet_x4.py) plus the input optical flows of flow-based
# models: OpenCV Farneback forward/backward between neighbouring LR inputs, computed after the
# augmentations, packed as data-sample fields flow_fwd / flow_bwd.
_base_ = ['./vimeo90k_septuplet_x4.py']

flow_pack = dict(
    type='PackInputs',
    meta_keys=['key', 'clip', 'input_indices'],
    data_keys=['flow_fwd', 'flow_bwd'])
train_pipeline = [
    dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
    dict(type='MATLABBicubicDownsample', scale=4),
    dict(type='PairedRandomCrop', gt_patch_size=128),
    dict(type='Flip', keys=['img', 'gt'], flip_ratio=0.5, direction='horizontal'),
    dict(type='Flip', keys=['img', 'gt'], flip_ratio=0.5, direction='vertical'),
    dict(type='TemporalReverse', keys=['img', 'gt'], reverse_ratio=0.5),
    dict(type='FarnebackFlow', key='img'),
    flow_pack,
]
test_pipeline = [
    dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
    dict(type='MATLABBicubicDownsample', scale=4),
    dict(type='FarnebackFlow', key='img'),
    flow_pack,
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
