# ST-LR w/o s^H (Table 4): only LR offsets, used by both branches.
_base_ = ['./stinet_x4_2xb15-500k_vimeo-septuplet.py']

model = dict(generator=dict(stlr=dict(type='LROffsetsSTLR')))
