# Dual-Stream Fusion Network, training stage 2: M_S and M_T from stage 1, frozen (no gradient,
# eval mode); the fusion and refinement networks trained with L_F and L_R (Eq. 13-14), lr 1e-4.
#   python tools/train.py configs/dsfn/dsfn-stage2_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py
_base_ = ['./dsfn_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py']

load_from = 'work_dirs/dsfn-stage1_espcn-superslomo_x2_1xb24-50e_vimeo-triplet/epoch_50.pth'
model = dict(
    generator=dict(frozen=('spatial', 'temporal')),
    loss_weights=dict(_delete_=True, fused=1., refined=1.))
