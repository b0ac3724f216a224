# Vimeo-90K septuplet, x4 space / x2 time, evaluation only: frames 1,3,5,7 in (MATLAB-bicubic LR
# made on the fly), all 7 HR frames out; sep_testlist.txt (subsets: fast/medium/slow_testset.txt).
# The base of the non-learned configs, which define no training (MMEngine's Runner wants
# train_dataloader, train_cfg and optim_wrapper all set or all None); vimeo90k_septuplet_x4.py adds
# the training set (vimeo90k_septuplet_x4_train.py) for learned models.
scale = 4
data_root = 'data/vimeo_septuplet'

test_pipeline = [
    dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
    dict(type='MATLABBicubicDownsample', scale=scale),
    dict(type='PackInputs', meta_keys=['key', 'clip', 'input_indices']),
]

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

# a plain list builds MMEngine's Evaluator. MMagic's own metrics (PSNR, SSIM...) need MMagic's:
# test_evaluator = dict(type='Evaluator', metrics=[dict(type='STVSRMetric'), dict(type='PSNR')])
# with test_cfg = dict(type='MultiTestLoop') (val: MultiValLoop), which STVSRMetric also works in
val_evaluator = [dict(type='STVSRMetric')]
test_evaluator = val_evaluator
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
