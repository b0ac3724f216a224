# STINet with ST-GR replaced by a bidirectional deformable ConvLSTM ("ST-GR -> BDCL", Table 4),
# one per branch (LR and HR), as Zooming Slow-Mo and TMNet refine their feature sequences.
_base_ = ['./stinet_x4_2xb15-500k_vimeo-septuplet.py']

model = dict(generator=dict(stgr=None, bdconvlstm=dict(deform_groups=8)))
