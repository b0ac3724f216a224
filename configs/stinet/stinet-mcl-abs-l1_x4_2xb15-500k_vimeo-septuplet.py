# MCL w/ l_abs-L1 (Table 5): l_abs as an L1 loss.
_base_ = ['./stinet_x4_2xb15-500k_vimeo-septuplet.py']

model = dict(motion_loss=dict(abs_norm='l1'))
