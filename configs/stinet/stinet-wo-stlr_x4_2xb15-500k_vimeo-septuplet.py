# STINet w/o ST-LR (Table 1): no local refinement module.
_base_ = ['./stinet_x4_2xb15-500k_vimeo-septuplet.py']

model = dict(generator=dict(num_stlr=0))
