# Dual-Stream Fusion Network (ESPCN + Super SloMo, x2 space / x2 time) computed as the authors'
# code (TMYuan/Dual-Stream-Fusion-Network, PyTorch 1.1), for their released weights converted by
# tools/model_converters/dsfn_to_mmstvsr.py. Differs from the paper-faithful default
# dsfn_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py only in how the networks compute:
# - Super SloMo's warp (`warp='authors'`): their backWarp normalises the grid by W (not W - 1)
#   under PyTorch 1.1's grid_sample (align_corners=True behaviour) with zero padding, so a zero
#   flow does not give the frame back; the default samples at exactly x + F(x), border padding;
# - padding to a multiple of 32: their STSR pads the frame pair once before Super SloMo, and the
#   fusion U-Net's input, centred (`centre_pad=True`, M_T's `size_divisor=32`); the default pads
#   each U-Net's input at the bottom right;
# - ESPCN's YCbCr -> RGB with their rounded coefficients (`ycbcr_inverse='authors'`, <= 3e-6).
# Same inputs: RGB in [0, 1] without ImageNet normalisation (their vimeo90k.py divides by 255).
# Their evaluation (test_model.py) also reverses every test triplet (vimeo90k.py, train=False),
# which the test pipeline below repeats; it makes its LR frames with PyTorch's bicubic
# (nn.Upsample(scale_factor=0.5), not antialiased, kept as floats) where ours use MATLAB's
# imresize (uint8), so PSNRs on Vimeo-90K differ slightly from theirs.
#   python tools/model_converters/dsfn_to_mmstvsr.py STSR_best.pth dsfn_authors.pth \
#       --sr-weight ESPCN.pth --it-weight SuperSloMo.pth
#   python tools/test.py configs/dsfn/dsfn-authors_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py \
#       dsfn_authors.pth
_base_ = ['./dsfn_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py']

model = dict(
    generator=dict(
        spatial=dict(ycbcr_inverse='authors'),
        temporal=dict(
            backbone=dict(warp='authors'), size_divisor=32, centre_pad=True),
        fusion=dict(centre_pad=True)))

# the base test pipeline with every triplet reversed before packing
test_pipeline = _base_.test_pipeline[:-1] + [
    dict(type='TemporalReverse', keys=['img', 'gt'], reverse_ratio=1.), _base_.test_pipeline[-1]
]
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
