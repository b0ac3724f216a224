# STINet w/o MCL (Table 1): no motion consistency loss.
_base_ = ['./stinet_x4_2xb15-500k_vimeo-septuplet.py']

model = dict(motion_loss=None)
