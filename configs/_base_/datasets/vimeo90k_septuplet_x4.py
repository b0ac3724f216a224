# Vimeo-90K septuplet, x4 space / x2 time: frames 1,3,5,7 in (MATLAB-bicubic LR made on the fly),
# all 7 HR frames out. Test lists: sep_testlist.txt (all), fast/medium/slow_testset.txt.
scale = 4
data_root = 'data/vimeo_septuplet'

train_pipeline = [
    dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
    dict(type='MATLABBicubicDownsample', scale=scale),
    dict(type='PairedRandomCrop', gt_patch_size=128),
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

train_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=False,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='VimeoSeptupletDataset',
        data_root=data_root,
        ann_file='sep_trainlist.txt',
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=False,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='VimeoSeptupletDataset',
        data_root=data_root,
        ann_file='sep_testlist.txt',
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = val_dataloader

# a plain list builds MMEngine's Evaluator (MMagic's 'Evaluator' is for its MultiTestLoop)
val_evaluator = [dict(type='STVSRMetric')]
test_evaluator = val_evaluator
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
