# STAR-T-LR (Fig. 4d): STAR fine-tuned on the LR in-between frame only (Time loss); evaluated as
# frame interpolation of the LR frames: the model outputs the LR inputs and its LR in-between
# frames, compared with the LR ground truth (every frame brought down by MATLAB bicubic x4).
_base_ = ['./starnet-st_x4_1xb10-20e_vimeo-triplet.py']

model = dict(
    generator=dict(type='STARnetLROutputNet'),
    loss_weights=dict(hr_input=0., hr_mid=0., lr_mid=1.0))
lr_test_pipeline = [
    dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
    # the LR ground truth: every frame, x4 down, in place of the HR frames
    dict(type='MATLABBicubicDownsample', scale=4, lr_key='gt', frame_indices=[0, 1, 2]),
    dict(type='MATLABBicubicDownsample', scale=1),
    dict(type='FarnebackFlow', key='img'),
    dict(type='PackInputs', meta_keys=['key', 'clip', 'input_indices'],
         data_keys=['flow_fwd', 'flow_bwd']),
]
val_dataloader = dict(dataset=dict(pipeline=lr_test_pipeline))
test_dataloader = val_dataloader
