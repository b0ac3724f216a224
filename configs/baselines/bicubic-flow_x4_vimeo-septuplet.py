# Classical reference: MATLAB-bicubic x4 upsampling + Farneback-flow frame interpolation at t'.
# The flows come from the data pipeline (FarnebackFlow on the LR inputs). No weights, so
# evaluation only (no training parts: the test set of vimeo90k_septuplet_x4_flow_test.py).
_base_ = ['../_base_/default_runtime.py', '../_base_/datasets/vimeo90k_septuplet_x4_flow_test.py']

model = dict(
    type='BaseSTVSRModel',
    generator=dict(type='BicubicFlowNet', scale=4),
    pixel_loss=dict(type='L1Loss', loss_weight=1.0, reduction='mean'),
    scale=4,
    times=(0.5, ),
    extra_inputs=('flow_fwd', 'flow_bwd'),
    test_cfg=dict(window=4, stride=3),
    data_preprocessor=dict(
        type='DataPreprocessor', mean=[0., 0., 0.], std=[255., 255., 255.]))
