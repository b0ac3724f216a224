# Table 4 with MMagic's EDSR as M_S: stage 2 (M_S and M_T fixed, F and R trained) with an
# off-the-shelf EDSR x2 and the stage-1 Super SloMo. They are not in one checkpoint, so both
# load through `pretrained` (read by init_weights) instead of load_from.
_base_ = [
    './dsfn-stage2_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py',
    '../_base_/models/mmagic_upsamplers.py'
]

stage1 = 'work_dirs/dsfn-stage1_espcn-superslomo_x2_1xb24-50e_vimeo-triplet/epoch_50.pth'
load_from = None
model = dict(
    generator=dict(
        spatial=dict(_base_.edsr_x2_upsampler, _delete_=True),
        temporal=dict(pretrained=stage1, pretrained_prefix='generator.temporal.backbone.')))
