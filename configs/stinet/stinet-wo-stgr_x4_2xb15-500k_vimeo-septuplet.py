# STINet w/o ST-GR (Table 1): no global refinement module.
_base_ = ['./stinet_x4_2xb15-500k_vimeo-septuplet.py']

model = dict(generator=dict(stgr=None))
