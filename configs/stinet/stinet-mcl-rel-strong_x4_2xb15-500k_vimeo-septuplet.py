# MCL w/ l_rel-SC (Table 5): l_rel as the strong constraint on the exact flow differences.
_base_ = ['./stinet_x4_2xb15-500k_vimeo-septuplet.py']

model = dict(motion_loss=dict(rel_mode='strong'))
