# STINet w/o LR (Table 1): only HR features in the main body of the network.
_base_ = ['./stinet_x4_2xb15-500k_vimeo-septuplet.py']

model = dict(generator=dict(use_lr=False))
