# STINet w/o optical flows (Table 3): ST-FI without Mnet and flow input.
_base_ = ['./stinet_x4_2xb15-500k_vimeo-septuplet.py']

model = dict(generator=dict(flow_mode='none'), extra_inputs=())
