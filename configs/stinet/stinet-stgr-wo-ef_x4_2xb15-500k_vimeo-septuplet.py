# ST-GR w/o E_F (Table 4): no frame-level similarity in the edge weights.
_base_ = ['./stinet_x4_2xb15-500k_vimeo-septuplet.py']

model = dict(generator=dict(stgr=dict(use_frame_similarity=False)))
