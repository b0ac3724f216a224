# Classical reference: MATLAB-bicubic x4 upsampling + frame averaging at t'=0.5. No weights, so
# evaluation only (no training parts: the test set of vimeo90k_septuplet_x4_test.py).
_base_ = ['../_base_/default_runtime.py', '../_base_/datasets/vimeo90k_septuplet_x4_test.py']

model = dict(
    type='BaseSTVSRModel',
    generator=dict(type='BicubicAverageNet', scale=4),
    pixel_loss=dict(type='L1Loss', loss_weight=1.0, reduction='mean'),
    scale=4,
    times=(0.5, ),
    test_cfg=dict(window=4, stride=3),
    data_preprocessor=dict(
        type='DataPreprocessor', mean=[0., 0., 0.], std=[255., 255., 255.]))
