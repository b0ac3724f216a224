# Table 1, "STAR w/o FR": no flow refinement module, no flow loss. 58,092,269 parameters.
_base_ = ['./starnet_x4_1xb10-70e_vimeo-triplet.py']

model = dict(generator=dict(flow_refinement=None), flow_loss=None)
