# Table 4 with MMagic's CAIN as M_T: stage 2 with the stage-1 ESPCN and an off-the-shelf CAIN
# (trained on Vimeo-90K triplets), both fixed; F and R trained. Each reads its own weights, as in
# dsfn-stage2_edsr-superslomo_x2_1xb24-50e_vimeo-triplet.py:
#   python tools/train.py configs/dsfn/dsfn-stage2_espcn-cain_x2_1xb24-50e_vimeo-triplet.py \
#       --cfg-options model.generator.spatial.init_cfg.checkpoint=$STAGE1
_base_ = [
    './dsfn-stage2_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py',
    '../_base_/models/mmagic_upsamplers.py'
]

model = dict(
    generator=dict(
        spatial=dict(init_cfg=dict(
            type='Pretrained', checkpoint=None, prefix='generator.spatial.backbone.')),
        temporal=dict(_base_.cain_upsampler, _delete_=True)))
