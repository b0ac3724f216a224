# MCL w/o l_abs (Table 5).
_base_ = ['./stinet_x4_2xb15-500k_vimeo-septuplet.py']

model = dict(motion_loss=dict(abs_weight=0.))
