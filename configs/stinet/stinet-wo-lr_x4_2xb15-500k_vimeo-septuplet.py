# STINet w/o LR (Table 1): only HR features in the main body of the network; ST-LR takes its
# offsets from the HR features alone.
_base_ = ['./stinet_x4_2xb15-500k_vimeo-septuplet.py']

model = dict(generator=dict(use_lr=False, stlr=dict(type='HROffsetsSTLR')))
