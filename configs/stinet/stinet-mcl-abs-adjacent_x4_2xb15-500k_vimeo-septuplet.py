# MCL w/ l_abs-AJ (Table 5): l_abs only between adjacent frames.
_base_ = ['./stinet_x4_2xb15-500k_vimeo-septuplet.py']

model = dict(motion_loss=dict(pairs='adjacent'))
