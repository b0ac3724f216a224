# STINet (Yue & Shi, Neural Networks 2024), the paper's method (ST-GR's edge attributes weight the
# graph aggregation: type='STGR'), trained with the paper's recipe: Vimeo-90K septuplet (frames
# 1,3,5,7 in, all 7 out), LR crops 32 / HR 128, flips (+ rot180 = both flips), temporal reverse,
# Adam 1e-4 divided by 4 every 100k iterations, 500k iterations, batch 30 (2 GPUs x 15).
# Loss (Eq. 4): l_rec + l'_rec + 0.1 * l_per + 0.1 * l_mcl, L2 reconstruction terms.
# The S-SR initialiser (dense DBPN) is pretrained and frozen as in the authors' training: put its
# weights at `dbpn_weights` (the authors' s-sr.pth, read as it is: their key names are renamed on
# loading), and torchvision's VGG19 weights at `vgg_weights` (neither can be downloaded by the
# code).
_base_ = [
    '../_base_/default_runtime.py', '../_base_/datasets/vimeo90k_septuplet_x4_flow.py',
    '../_base_/schedules/adam_iter.py'
]

dbpn_weights = 'checkpoints/stinet_s-sr.pth'
vgg_weights = 'checkpoints/vgg19-dcbb9e9d.pth'

model = dict(
    type='STINet',
    generator=dict(
        type='STINetNet',
        mid_channels=64,
        scale=4,
        initializer=dict(
            type='DenseDBPN',
            base_channels=64,
            mid_channels=64,
            num_stages=5,
            scale=4,
            init_cfg=dict(type='Pretrained', checkpoint=dbpn_weights),
            frozen=True),
        num_shared_blocks=5,
        motion_channels=32,
        flow_mode='adapted',
        num_stlr=1,
        stlr=dict(type='STLR', deform_groups=8),
        stgr=dict(type='STGR')),
    pixel_loss=dict(type='MSELoss', loss_weight=1.0, reduction='mean'),
    init_loss=dict(type='MSELoss', loss_weight=1.0, reduction='mean'),
    perceptual_loss=dict(type='VGGPerceptualLoss', pretrained=vgg_weights, loss_weight=0.1),
    motion_loss=dict(
        type='MotionConsistencyLoss',
        flow_estimator=dict(type='HornSchunckFlow'),
        loss_weight=0.1),
    scale=4,
    times=(0.5, ),
    extra_inputs=('flow_fwd', 'flow_bwd'),
    test_cfg=dict(window=4, stride=3),
    data_preprocessor=dict(
        type='DataPreprocessor', mean=[0., 0., 0.], std=[255., 255., 255.]))

train_dataloader = dict(batch_size=15, num_workers=8)
train_cfg = dict(max_iters=500000, val_interval=10000)
optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-4, betas=(0.9, 0.999)))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=False, milestones=[100000, 200000, 300000, 400000], gamma=0.25)
default_hooks = dict(checkpoint=dict(interval=10000))
# the frozen DBPN and ST-GR's edge-attribute conv get no gradient
find_unused_parameters = True
