# STINet w/o HR (Table 1): only LR features are initialised, interpolated and refined.
_base_ = ['./stinet_x4_2xb15-500k_vimeo-septuplet.py']

model = dict(generator=dict(use_hr=False))
