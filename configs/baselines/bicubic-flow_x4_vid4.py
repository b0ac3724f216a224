# The bicubic + Farneback-flow baseline (bicubic-flow_x4_vimeo-septuplet.py) on Vid4, with the
# Vid4 protocol of ../_base_/datasets/vid4_x4_test.py: windows of 7 HR frames, 4 LR inputs each,
# every HR frame scored once. No weights:
#   python tools/test.py configs/baselines/bicubic-flow_x4_vid4.py \
#       --cfg-options test_dataloader.dataset.data_root=data/Vid4
_base_ = ['./bicubic-flow_x4_vimeo-septuplet.py']

test_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='VideoFramesDataset',
        data_root='data/Vid4',
        data_prefix=dict(gt='GT'),
        test_mode=True,
        pipeline=[
            dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
            dict(type='MATLABBicubicDownsample', scale=4),
            dict(type='FarnebackFlow', key='img'),
            dict(
                type='PackInputs',
                meta_keys=['key', 'clip', 'input_indices', 'frame_ids'],
                data_keys=['flow_fwd', 'flow_bwd']),
        ]))
