# Table 4, "STAR with DBPN": NetS is DBPN-S on each frame alone (single-image S-SR) instead of
# RBPN on the two frames and the flow between them.
_base_ = ['./starnet_x4_1xb10-70e_vimeo-triplet.py']

model = dict(generator=dict(type='STARnetWithDBPNNet'))
