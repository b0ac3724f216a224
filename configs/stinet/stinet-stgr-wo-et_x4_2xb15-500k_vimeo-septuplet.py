# ST-GR w/o E_T (Table 4): no temporal closeness in the edge weights.
_base_ = ['./stinet_x4_2xb15-500k_vimeo-septuplet.py']

model = dict(generator=dict(stgr=dict(use_temporal_closeness=False)))
