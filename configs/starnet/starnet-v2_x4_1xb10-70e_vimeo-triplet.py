# Table 6 (2), "ST-SR + T-SR on S-HR": version V2, the HR T-SR path only.
_base_ = ['./starnet_x4_1xb10-70e_vimeo-triplet.py']

model = dict(generator=dict(version='V2'))
