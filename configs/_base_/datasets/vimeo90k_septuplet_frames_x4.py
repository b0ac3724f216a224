# Single-image x4 SR on the frames of the Vimeo-90K septuplet clips (every frame its own item,
# MATLAB-bicubic LR made on the fly): pretraining data for S-SR initialisers. Training frames come
# from the train list, test frames from the test list, as in vimeo90k_septuplet_x4.py.
_base_ = ['./vimeo90k_septuplet_x4.py']

train_pipeline = [
    dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
    dict(type='MATLABBicubicDownsample', scale=4),
    dict(type='PairedRandomCrop', gt_patch_size=128),
    dict(type='Flip', keys=['img', 'gt'], flip_ratio=0.5, direction='horizontal'),
    dict(type='Flip', keys=['img', 'gt'], flip_ratio=0.5, direction='vertical'),
    dict(type='PackInputs', meta_keys=['key', 'clip']),
]
train_dataloader = dict(
    batch_size=16, dataset=dict(frames_as_images=True, pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(frames_as_images=True))
test_dataloader = val_dataloader
