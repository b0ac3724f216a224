# Vimeo-90K septuplet x4 (see vimeo90k_septuplet_x4.py) plus the input optical flows of flow-based
# models: OpenCV Farneback forward/backward between neighbouring LR inputs, computed after the
# augmentations, packed as data-sample fields flow_fwd / flow_bwd. The test set with flows is
# vimeo90k_septuplet_x4_flow_test.py (alone the base of non-learned flow configs).
_base_ = ['./vimeo90k_septuplet_x4_flow_test.py', './vimeo90k_septuplet_x4_train.py']

# the base training pipeline with the flows computed before packing
train_pipeline = _base_.train_pipeline[:-1] + [_base_.farneback, _base_.flow_pack]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
