# Vimeo-90K septuplet x4 (see vimeo90k_septuplet_x4.py) plus the input optical flows of flow-based
# models: OpenCV Farneback forward/backward between neighbouring LR inputs, computed after the
# augmentations, packed as data-sample fields flow_fwd / flow_bwd.
_base_ = ['./vimeo90k_septuplet_x4.py']

farneback = dict(type='FarnebackFlow', key='img')
flow_pack = dict(_base_.test_pipeline[-1], data_keys=['flow_fwd', 'flow_bwd'])
# the base pipelines with the flows computed before packing
train_pipeline = _base_.train_pipeline[:-1] + [farneback, flow_pack]
test_pipeline = _base_.test_pipeline[:-1] + [farneback, flow_pack]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
