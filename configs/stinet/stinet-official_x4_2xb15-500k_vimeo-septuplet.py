# STINet as the authors' released code computes it: ST-GR on their directed graph with the edge
# attributes built but unused. 11,761,602 parameters, 7,345,830 of them in the frozen DBPN.
_base_ = ['./stinet_x4_2xb15-500k_vimeo-septuplet.py']

model = dict(generator=dict(stgr=dict(mode='official')))
