# Table 6 (1), "Only ST-SR" (the authors' V1): no T-SR path (each input has its own NetD).
_base_ = ['./starnet_x4_1xb10-70e_vimeo-triplet.py']

model = dict(generator=dict(type='STARnetWithoutTemporalSRNet'))
