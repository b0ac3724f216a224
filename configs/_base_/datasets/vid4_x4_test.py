# Vid4 test set, x4 space / x2 time, with the protocol of Zooming Slow-Mo's test.py ("skip" mode):
# every clip is cut into windows of 7 HR frames, 6 apart (plus one window of the last 7 frames when
# frames remain at the end); a window's frames 1, 3, 5, 7 are the inputs (MATLAB-bicubic LR made on
# the fly) and all 7 are targets; STVSRMetric scores every HR frame once (by frame_ids).
#
# Layout (file names as distributed, sorted naturally):
#   data/Vid4/GT/calendar/Frame 001.png .. (41 frames), city/ (34), foliage/ (49), walk/ (47)
# Offline LR frames, if wanted: data/Vid4/BIx4/<clip>/ with the GT file names; set the dataset's
# data_prefix=dict(gt='GT', img='BIx4') and pipeline=offline_lr_test_pipeline (below).
#
# A model is tested with a config inheriting its model config (MMEngine forbids keys shared by two
# bases, so not this file too) that replaces test_dataloader.dataset (_delete_=True) by the dataset
# below and adds 'frame_ids' to its PackInputs meta_keys (configs/baselines/bicubic-flow_x4_vid4.py
# does so); the model's times must be (0.5,). Then:
#   python tools/test.py CONFIG CKPT --cfg-options test_dataloader.dataset.data_root=data/Vid4
scale = 4
data_root = 'data/Vid4'

test_pipeline = [
    dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
    dict(type='MATLABBicubicDownsample', scale=scale),
    dict(type='PackInputs', meta_keys=['key', 'clip', 'input_indices', 'frame_ids']),
]
offline_lr_test_pipeline = [
    dict(type='LoadImageFromFile', key='img', channel_order='rgb'),
    dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
    dict(type='PackInputs', meta_keys=['key', 'clip', 'input_indices', 'frame_ids']),
]

test_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=False,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='VideoFramesDataset',
        data_root=data_root,
        data_prefix=dict(gt='GT'),
        num_inputs=4,
        input_gap=2,
        test_mode=True,
        pipeline=test_pipeline))
# a plain list builds MMEngine's Evaluator (MMagic's 'Evaluator' is for its MultiTestLoop)
test_evaluator = [dict(type='STVSRMetric')]
test_cfg = dict(type='TestLoop')
