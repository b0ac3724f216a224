# Classical reference: MATLAB-bicubic x4 upsampling + Farneback-flow frame interpolation at t'.
# The flows come from the data pipeline (FarnebackFlow on the LR inputs). No weights.
_base_ = ['./bicubic-average_x4_vimeo-septuplet.py']

model = dict(
    generator=dict(type='BicubicFlowNet', scale=4),
    extra_inputs=('flow_fwd', 'flow_bwd'))

flow_test_pipeline = [
    dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
    dict(type='MATLABBicubicDownsample', scale=4),
    dict(type='FarnebackFlow', key='img'),
    dict(
        type='PackInputs',
        meta_keys=['key', 'clip', 'input_indices'],
        data_keys=['flow_fwd', 'flow_bwd']),
]
val_dataloader = dict(dataset=dict(pipeline=flow_test_pipeline))
test_dataloader = val_dataloader
