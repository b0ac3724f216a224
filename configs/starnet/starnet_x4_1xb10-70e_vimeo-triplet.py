# STARnet (Haris et al., CVPR 2020), "STAR": the authors' V4 (HR and LR T-SR paths) with flow
# refinement, all targets (HR frames at t and t+1 with weight 0.5, HR and LR in-between frames
# with weight 1; stage-1 outputs 0.4, stage-2 outputs 1.0), loss L_r (Eq. 16): L1 + 0.1 L_flow.
# The paper's recipe: Vimeo-90K triplets, whole 112x64 LR frames, batch 10, AdaMax lr 1e-4
# divided by 10 every 30 epochs, 70 epochs. 111,610,863 parameters (58,092,269 without FR).
#   python tools/train.py configs/starnet/starnet_x4_1xb10-70e_vimeo-triplet.py
_base_ = [
    '../_base_/default_runtime.py', '../_base_/datasets/vimeo90k_triplet_x4_flow.py',
    '../_base_/schedules/adamax_epoch.py'
]

model = dict(
    type='STARnet',
    generator=dict(
        type='STARnetNet',
        hr_channels=64,
        lr_channels=128,
        base_channels=256,
        num_stages=3,
        num_blocks=5,
        scale=4,
        flow_refinement=dict(base_channels=64, num_levels=5, out_act='sigmoid'),
        max_flow=150.),
    pixel_loss=dict(type='L1Loss', loss_weight=1.0, reduction='mean'),
    loss_weights=dict(hr_input=0.5, hr_mid=1.0, lr_mid=1.0),
    stage_weights=(0.4, 1.0),
    flow_loss=dict(type='MSELoss', loss_weight=0.1, reduction='mean'),
    scale=4,
    times=(0.5, ),
    extra_inputs=('flow_fwd', 'flow_bwd'),
    data_preprocessor=dict(
        type='DataPreprocessor', mean=[0., 0., 0.], std=[255., 255., 255.]))

# RBPN's third residual stack is built but unused with one neighbour (as in the authors' network)
find_unused_parameters = True
default_hooks = dict(checkpoint=dict(by_epoch=True, interval=1, max_keep_ckpts=5))
log_processor = dict(by_epoch=True)
