# MMagic's own networks as the spatial (M_S) and temporal (M_T) upsamplers of the Dual-Stream
# Fusion Network and of the cascade baselines, with the names of their MMagic model-zoo weights
# (Runner checkpoints, generator.* keys; put them under checkpoints/), each also wrapped ready to
# use (`*_upsampler`). A config lists this file in its _base_ and takes a wrapped one, e.g.
#   spatial=_base_.edsr_x2_upsampler
# or, replacing an upsampler it inherits, `temporal=dict(_base_.cain_upsampler, _delete_=True)`.
edsr_x2 = dict(
    type='EDSRNet',
    in_channels=3,
    out_channels=3,
    mid_channels=64,
    num_blocks=16,
    upscale_factor=2,
    res_scale=1,
    rgb_mean=[0.4488, 0.4371, 0.4040],
    rgb_std=[1.0, 1.0, 1.0])
edsr_x2_weights = 'checkpoints/edsr_x2c64b16_1xb16-300k_div2k.pth'
edsr_x4 = dict(edsr_x2, upscale_factor=4)
edsr_x4_weights = 'checkpoints/edsr_x4c64b16_1xb16-300k_div2k.pth'
# CAIN interpolates the midpoint only (times=(0.5,)); its input sides must divide by 2**depth
cain = dict(type='CAINNet', num_block_groups=5, num_block_layers=12, depth=3)
cain_weights = 'checkpoints/cain_g1b32_1xb5_vimeo90k-triplet.pth'

# each network read from its MMagic model's checkpoint (init_cfg of the wrapper is the network's)
edsr_x2_upsampler = dict(
    type='SpatialUpsampler',
    backbone=edsr_x2,
    scale=2,
    init_cfg=dict(type='Pretrained', checkpoint=edsr_x2_weights, prefix='generator.'))
edsr_x4_upsampler = dict(
    type='SpatialUpsampler',
    backbone=edsr_x4,
    scale=4,
    init_cfg=dict(type='Pretrained', checkpoint=edsr_x4_weights, prefix='generator.'))
cain_upsampler = dict(
    type='TemporalUpsampler',
    backbone=cain,
    size_divisor=8,
    init_cfg=dict(type='Pretrained', checkpoint=cain_weights, prefix='generator.'))
