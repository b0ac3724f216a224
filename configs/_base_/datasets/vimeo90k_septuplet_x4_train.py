# Vimeo-90K septuplet training set, x4 space / x2 time (sep_trainlist.txt, random 128 px HR crops,
# flips and temporal reversal; MATLAB-bicubic LR made on the fly): the training half of
# vimeo90k_septuplet_x4.py, on its own so that a learned model built on a non-learned config
# (evaluation only, vimeo90k_septuplet_x4_test.py) can add it without repeating a base.
train_pipeline = [
    dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
    dict(type='MATLABBicubicDownsample', scale=4),
    dict(type='PairedRandomCrop', gt_patch_size=128),
    dict(type='Flip', keys=['img', 'gt'], flip_ratio=0.5, direction='horizontal'),
    dict(type='Flip', keys=['img', 'gt'], flip_ratio=0.5, direction='vertical'),
    dict(type='TemporalReverse', keys=['img', 'gt'], reverse_ratio=0.5),
    dict(type='PackInputs', meta_keys=['key', 'clip', 'input_indices']),
]

train_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=False,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='VimeoSeptupletDataset',
        data_root='data/vimeo_septuplet',
        ann_file='sep_trainlist.txt',
        pipeline=train_pipeline))
