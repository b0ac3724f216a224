# Two-stage "VFI + SR" baseline of the STVSR tables from MMagic's own networks and model-zoo
# weights: CAIN interpolates the LR midpoints, EDSR x4 super-resolves every frame. Vimeo-90K
# septuplet protocol (frames 1, 3, 5, 7 in, all 7 out, Y-PSNR / Y-SSIM). Put MMagic's
# checkpoints under checkpoints/ (names in ../_base_/models/mmagic_upsamplers.py), then:
#   python tools/test.py configs/dsfn/cascade-ts_edsr-cain_x4_vimeo-septuplet.py
_base_ = [
    '../_base_/default_runtime.py', '../_base_/datasets/vimeo90k_septuplet_x4_test.py',
    '../_base_/models/mmagic_upsamplers.py'
]

model = dict(
    type='BaseSTVSRModel',
    generator=dict(
        type='SpaceTimeCascadeNet',
        order='ts',
        spatial=_base_.edsr_x4_upsampler,
        temporal=_base_.cain_upsampler),
    pixel_loss=dict(type='L1Loss', loss_weight=1.0, reduction='mean'),
    scale=4,
    times=(0.5, ),
    data_preprocessor=dict(
        type='DataPreprocessor', mean=[0., 0., 0.], std=[255., 255., 255.]))
