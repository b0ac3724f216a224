# Table 4 with MMagic's CAIN as M_T: stage 2 with the stage-1 ESPCN and an off-the-shelf CAIN
# (trained on Vimeo-90K triplets), both fixed; F and R trained.
_base_ = [
    './dsfn-stage2_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py',
    '../_base_/models/mmagic_upsamplers.py'
]

stage1 = 'work_dirs/dsfn-stage1_espcn-superslomo_x2_1xb24-50e_vimeo-triplet/epoch_50.pth'
load_from = None
model = dict(
    generator=dict(
        spatial=dict(pretrained=stage1, pretrained_prefix='generator.spatial.backbone.'),
        temporal=dict(_base_.cain_upsampler, _delete_=True)))
