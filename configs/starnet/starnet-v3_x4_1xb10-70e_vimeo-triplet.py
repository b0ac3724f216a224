# Table 6 (3), "ST-SR + T-SR on S-LR" (the authors' V3): the LR T-SR path only.
_base_ = ['./starnet_x4_1xb10-70e_vimeo-triplet.py']

model = dict(generator=dict(type='STARnetWithoutHRTemporalSRNet'))
