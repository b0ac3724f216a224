# ST-FI w/o share (Table 4): separate residual blocks in the LR and HR branches.
_base_ = ['./stinet_x4_2xb15-500k_vimeo-septuplet.py']

model = dict(generator=dict(share_stfi_blocks=False))
