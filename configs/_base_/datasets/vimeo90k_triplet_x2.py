# Vimeo-90K triplet, x2 space / x2 time (the Dual-Stream Fusion Network's setting): frames 1 and 3
# in (MATLAB-bicubic x2 LR made on the fly, 224x128), all 3 HR frames out. Training on whole
# frames with flips and temporal reversal, as the DSFN authors. Layout as vimeo90k_triplet_x4.py.
#   python tools/test.py CONFIG CKPT --cfg-options test_dataloader.dataset.data_root=...
_base_ = ['./vimeo90k_triplet_x4.py']

scale = 2
train_pipeline = [
    dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
    dict(type='MATLABBicubicDownsample', scale=scale),
    dict(type='Flip', keys=['img', 'gt'], flip_ratio=0.5, direction='horizontal'),
    dict(type='Flip', keys=['img', 'gt'], flip_ratio=0.5, direction='vertical'),
    dict(type='TemporalReverse', keys=['img', 'gt'], reverse_ratio=0.5),
    dict(type='PackInputs', meta_keys=['key', 'clip', 'input_indices']),
]
test_pipeline = [
    dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
    dict(type='MATLABBicubicDownsample', scale=scale),
    dict(type='PackInputs', meta_keys=['key', 'clip', 'input_indices']),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
