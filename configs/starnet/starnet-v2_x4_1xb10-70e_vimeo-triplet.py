# Table 6 (2), "ST-SR + T-SR on S-HR" (the authors' V2): the HR T-SR path only.
_base_ = ['./starnet_x4_1xb10-70e_vimeo-triplet.py']

model = dict(generator=dict(type='STARnetWithoutLRTemporalSRNet'))
