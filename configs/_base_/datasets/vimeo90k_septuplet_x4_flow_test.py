# Vimeo-90K septuplet x4 evaluation only (vimeo90k_septuplet_x4_test.py) plus the input optical
# flows of flow-based models: OpenCV Farneback forward/backward between neighbouring LR inputs,
# packed as data-sample fields flow_fwd / flow_bwd. The base of the non-learned flow configs;
# vimeo90k_septuplet_x4_flow.py adds the training set.
_base_ = ['./vimeo90k_septuplet_x4_test.py']

farneback = dict(type='FarnebackFlow', key='img')
flow_pack = dict(_base_.test_pipeline[-1], data_keys=['flow_fwd', 'flow_bwd'])
# the base pipeline with the flows computed before packing
test_pipeline = _base_.test_pipeline[:-1] + [farneback, flow_pack]
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
