# MCL w/o l_rel (Table 5).
_base_ = ['./stinet_x4_2xb15-500k_vimeo-septuplet.py']

model = dict(motion_loss=dict(rel_weight=0.))
