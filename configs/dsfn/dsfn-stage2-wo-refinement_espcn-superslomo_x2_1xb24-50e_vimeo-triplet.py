# Table 2, setting III: M_S and M_T fixed, fusion only (no refinement network), trained with L_F.
_base_ = ['./dsfn-stage2_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py']

model = dict(generator=dict(refinement=None), loss_weights=dict(_delete_=True, fused=1.))
