# Two-stage baseline "VFI then SR" (M_T->S, Eq. 6-8, no fusion): Super SloMo interpolates the LR
# middle frame, ESPCN super-resolves every frame; both from the last DSFN stage-1 checkpoint
# (STAGE1, see dsfn_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py; Table 2, setting I), which
# holds them under the same names. Tested as it is, or trained end to end (L1 on all output
# frames) from it:
#   python tools/test.py configs/dsfn/cascade-ts_espcn-superslomo_x2_vimeo-triplet.py $STAGE1
#   python tools/train.py configs/dsfn/cascade-ts_espcn-superslomo_x2_vimeo-triplet.py \
#       --cfg-options load_from=$STAGE1
_base_ = ['./dsfn_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py']

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
            colour='y'),
        temporal=dict(
            type='TemporalUpsampler',
            backbone=dict(type='SuperSloMoNet', base_channels=32, num_levels=5),
            time_arg='t')),
    pixel_loss=dict(type='L1Loss', loss_weight=1.0, reduction='mean'),
    scale=2,
    times=(0.5, ),
    data_preprocessor=dict(
        type='DataPreprocessor', mean=[0., 0., 0.], std=[255., 255., 255.]))
optim_wrapper = dict(_delete_=True, type='OptimWrapper', optimizer=dict(type='RAdam', lr=1e-5))
