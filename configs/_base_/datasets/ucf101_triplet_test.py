# UCF101 triplets of DVF (Liu et al. 2017; used by STARnet), x4 space / x2 time: frames 0 and 2 of
# each triplet in (MATLAB-bicubic LR made on the fly), all three HR frames out (frame_01_gt.png is
# the middle target). A model tested on it must have scale=4 and times=(0.5,).
#
# Layout (ucf101_interp_ours.zip of DVF, 379 triplets of 256x256 frames):
#   data/ucf101_interp_ours/<id>/frame_00.png, frame_01_gt.png, frame_02.png
# A model is tested with a config inheriting its model config (MMEngine forbids keys shared by two
# bases) that replaces test_dataloader.dataset (_delete_=True) by the dataset below, then:
#   python tools/test.py CONFIG CKPT --cfg-options test_dataloader.dataset.data_root=...
scale = 4
data_root = 'data/ucf101_interp_ours'

test_pipeline = [
    dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
    dict(type='MATLABBicubicDownsample', scale=scale),
    dict(type='PackInputs', meta_keys=['key', 'clip', 'input_indices']),
]

test_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=False,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='FixedFramesDataset',
        data_root=data_root,
        frame_paths=['{clip}/frame_00.png', '{clip}/frame_01_gt.png', '{clip}/frame_02.png'],
        input_indices=[0, 2],
        test_mode=True,
        pipeline=test_pipeline))
# a plain list builds MMEngine's Evaluator (MMagic's 'Evaluator' is for its MultiTestLoop)
test_evaluator = [dict(type='STVSRMetric')]
test_cfg = dict(type='TestLoop')
