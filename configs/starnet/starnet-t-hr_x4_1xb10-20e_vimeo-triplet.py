# STAR-T-HR (Fig. 4d): STAR fine-tuned as a frame interpolator of HR frames: the original frames
# are the inputs (no downscaling), the LR-branch in-between output (at the inputs' size) is
# trained against the middle frame (Time loss), flows computed on the HR frames.
_base_ = ['./starnet-t-lr_x4_1xb10-20e_vimeo-triplet.py']

hr_train_pipeline = [
    dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
    dict(type='MATLABBicubicDownsample', scale=1),
    dict(type='Flip', keys=['img', 'gt'], flip_ratio=0.5, direction='horizontal'),
    dict(type='Flip', keys=['img', 'gt'], flip_ratio=0.5, direction='vertical'),
    dict(type='FarnebackFlow', key='img'),
    dict(type='InBetweenFlows'),
    dict(type='PackInputs', meta_keys=['key', 'clip', 'input_indices'],
         data_keys=['flow_fwd', 'flow_bwd', 'flow_fwd_gt', 'flow_bwd_gt']),
]
hr_test_pipeline = [
    dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
    dict(type='MATLABBicubicDownsample', scale=1),
    dict(type='FarnebackFlow', key='img'),
    dict(type='PackInputs', meta_keys=['key', 'clip', 'input_indices'],
         data_keys=['flow_fwd', 'flow_bwd']),
]
train_dataloader = dict(dataset=dict(pipeline=hr_train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=hr_test_pipeline))
test_dataloader = val_dataloader
