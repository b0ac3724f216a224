# Table 4 with MMagic's EDSR as M_S: stage 2 (M_S and M_T fixed, F and R trained) with an
# off-the-shelf EDSR x2 and the stage-1 Super SloMo. They are not in one checkpoint, so each
# reads its own (init_cfg, when the model is initialised) instead of load_from: EDSR its model-zoo
# weights, Super SloMo the last checkpoint of stage 1 (STAGE1, see
# dsfn_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py), given on the command line:
#   python tools/train.py configs/dsfn/dsfn-stage2_edsr-superslomo_x2_1xb24-50e_vimeo-triplet.py \
#       --cfg-options model.generator.temporal.init_cfg.checkpoint=$STAGE1
_base_ = [
    './dsfn-stage2_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py',
    '../_base_/models/mmagic_upsamplers.py'
]

model = dict(
    generator=dict(
        spatial=dict(_base_.edsr_x2_upsampler, _delete_=True),
        temporal=dict(init_cfg=dict(
            type='Pretrained', checkpoint=None, prefix='generator.temporal.backbone.'))))
