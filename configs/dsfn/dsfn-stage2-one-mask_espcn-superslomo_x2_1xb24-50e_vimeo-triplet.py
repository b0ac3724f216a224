# Table 1, "one-mask": the fusion U-Net predicts M_T->S only, M_S->T = 1 - M_T->S (stage 2).
_base_ = ['./dsfn-stage2_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py']

model = dict(generator=dict(fusion=dict(two_mask=False)))
