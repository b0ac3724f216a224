# Two-stage baseline "VFI then SR" (M_T->S, Eq. 6-8, no fusion): Super SloMo interpolates the LR
# middle frame, ESPCN super-resolves every frame; both from the DSFN stage-1 checkpoint (Table 2,
# setting I). Trainable end to end (L1 on all output frames) or tested as it is:
#   python tools/test.py configs/dsfn/cascade-ts_espcn-superslomo_x2_vimeo-triplet.py
_base_ = ['./dsfn_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py']

stage1 = 'work_dirs/dsfn-stage1_espcn-superslomo_x2_1xb24-50e_vimeo-triplet/epoch_50.pth'
load_from = None
model = dict(
    _delete_=True,
    type='BaseSTVSRModel',
    generator=dict(
        type='SpaceTimeCascadeNet',
        order='ts',
        spatial=dict(
            type='SpatialUpsampler',
            backbone=dict(type='ESPCNNet', in_channels=1, mid_channels=(64, 64, 32), scale=2),
            scale=2,
            colour='y',
            pretrained=stage1,
            pretrained_prefix='generator.spatial.backbone.'),
        temporal=dict(
            type='TemporalUpsampler',
            backbone=dict(type='SuperSloMoNet', base_channels=32, num_levels=5),
            time_arg='t',
            pretrained=stage1,
            pretrained_prefix='generator.temporal.backbone.')),
    pixel_loss=dict(type='L1Loss', loss_weight=1.0, reduction='mean'),
    scale=2,
    times=(0.5, ),
    data_preprocessor=dict(
        type='DataPreprocessor', mean=[0., 0., 0.], std=[255., 255., 255.]))
optim_wrapper = dict(_delete_=True, type='OptimWrapper', optimizer=dict(type='RAdam', lr=1e-5))
