# ST-LR w/o Inet (Table 4): offsets go straight to their DCNs.
_base_ = ['./stinet_x4_2xb15-500k_vimeo-septuplet.py']

model = dict(generator=dict(stlr=dict(type='STLRWithoutInet')))
