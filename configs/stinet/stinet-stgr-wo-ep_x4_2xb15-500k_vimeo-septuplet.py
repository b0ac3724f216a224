# ST-GR w/o E_P (Table 4): no pixel-level similarity in the edge weights.
_base_ = ['./stinet_x4_2xb15-500k_vimeo-septuplet.py']

model = dict(generator=dict(stgr=dict(use_pixel_similarity=False)))
