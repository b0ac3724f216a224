# STINet w/o HR (Table 1): only LR features are initialised, interpolated and refined; ST-LR takes
# its offsets from the LR features alone.
_base_ = ['./stinet_x4_2xb15-500k_vimeo-septuplet.py']

model = dict(generator=dict(use_hr=False, stlr=dict(type='LROffsetsSTLR')))
