# STINet w/o flow adaption (Table 3): ST-FI takes the flows between the two inputs, not
# adapted to t' by Eq. 1.
_base_ = ['./stinet_x4_2xb15-500k_vimeo-septuplet.py']

model = dict(generator=dict(flow_mode='raw'))
