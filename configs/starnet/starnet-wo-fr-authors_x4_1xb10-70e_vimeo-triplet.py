# STARnet V4 without flow refinement as the authors' released code computes it: the config for
# their FBPNSR_RBPN_V4 checkpoints (STAR_V4_RBPN.pth). The network of
# starnet-wo-fr_x4_1xb10-70e_vimeo-triplet.py ("STAR w/o FR", 58,092,269 parameters) with the
# authors' data of starnet-authors_x4_1xb10-70e_vimeo-triplet.py: ImageNet normalisation and pyflow
# flows (Farneback, the paper-faithful pipeline, is the documented substitute without pyflow).
_base_ = ['./starnet-authors_x4_1xb10-70e_vimeo-triplet.py']

model = dict(generator=dict(flow_refinement=None), flow_loss=None)
