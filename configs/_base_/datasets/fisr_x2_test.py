# FISR 4K test set, x2 space / x2 time, cut as Vid4 (vid4_x4_test.py): windows of 7 HR frames, the
# window's frames 1, 3, 5, 7 in (MATLAB-bicubic x2 LR made on the fly), all 7 out; every HR frame
# is scored once. A model tested on it must have scale=2 and times=(0.5,).
#
# Layout: one folder of RGB 4K frames per clip (any names, sorted naturally):
#   data/fisr_test/HR/<clip>/seq_2.png, seq_3.png, ...
# FISR's own release (test.zip, 10 scenes) keeps the frames in one flat folder,
# HR_HFR/HR_vid_<v>_fr_<f>_seq_<k>.png, in YUV as its README says of its PNG files: convert them to
# RGB and group them by scene (HR/vid_<v>_fr_<f>/seq_<k>.png). FISR's paper measures in YUV from
# its own LR inputs, so its numbers are not comparable with this protocol's.
# Test a model (see vid4_x4_test.py for the config to write):
#   python tools/test.py CONFIG CKPT --cfg-options test_dataloader.dataset.data_root=...
_base_ = ['./vid4_x4_test.py']

scale = 2
data_root = 'data/fisr_test'
test_pipeline = [
    dict(type='LoadImageFromFile', key='gt', channel_order='rgb'),
    dict(type='MATLABBicubicDownsample', scale=scale),
    dict(type='PackInputs', meta_keys=['key', 'clip', 'input_indices', 'frame_ids']),
]
test_dataloader = dict(
    dataset=dict(data_root=data_root, data_prefix=dict(gt='HR'), pipeline=test_pipeline))
