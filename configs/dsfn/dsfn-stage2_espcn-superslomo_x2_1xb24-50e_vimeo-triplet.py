# Dual-Stream Fusion Network, training stage 2: M_S and M_T from stage 1, frozen (no gradient,
# eval mode); the fusion and refinement networks trained with L_F and L_R (Eq. 13-14), lr 1e-4.
# The model starts from the last checkpoint of stage 1, given as `load_from` (STAGE1, see
# dsfn_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py), as do the variants built on this config:
#   python tools/train.py configs/dsfn/dsfn-stage2_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py \
#       --cfg-options load_from=$STAGE1
_base_ = ['./dsfn_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py']

model = dict(
    generator=dict(frozen=('spatial', 'temporal')),
    loss_weights=dict(_delete_=True, fused=1., refined=1.))
