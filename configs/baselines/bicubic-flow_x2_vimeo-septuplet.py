# Classical reference at x2 space / x2 time (the Dual-Stream Fusion Network's scale):
# MATLAB-bicubic x2 upsampling + Farneback-flow frame interpolation (flows computed by the model).
# Vimeo-90K septuplet protocol: frames 1, 3, 5, 7 in, all 7 out. No weights.
#   python tools/test.py configs/baselines/bicubic-flow_x2_vimeo-septuplet.py \
#       --cfg-options test_dataloader.dataset.data_root=tests/data/vimeo_septuplet
_base_ = ['./bicubic-flow_x4_vimeo-septuplet.py']

model = dict(generator=dict(scale=2), scale=2, extra_inputs=())
test_pipeline = [
    dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
    dict(type='MATLABBicubicDownsample', scale=2),
    dict(type='PackInputs', meta_keys=['key', 'clip', 'input_indices']),
]
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
