# Adobe240 test set, x4 space / x8 time: frames extracted from the 240-fps test videos (e.g. the
# test split of Su et al.'s DeepVideoDeblurring dataset), cut as Vid4 (vid4_x4_test.py) into
# windows of num_inputs inputs 8 frames apart: (num_inputs - 1) * 8 + 1 HR frames, all targets,
# (num_inputs - 1) * 8 apart, plus one window of the last frames of a clip; every HR frame is
# scored once. A model tested on it must make 7 frames between inputs: times=(1/8, ..., 7/8).
#
# Layout (any frame names, sorted naturally), e.g. extracted with
# `ffmpeg -i <video>.mov data/adobe240/test/<video>/%05d.png`:
#   data/adobe240/test/<video>/00001.png, 00002.png, ...
# Test a model (see vid4_x4_test.py for the config to write):
#   python tools/test.py CONFIG CKPT --cfg-options test_dataloader.dataset.data_root=...
_base_ = ['./vid4_x4_test.py']

data_root = 'data/adobe240/test'
test_dataloader = dict(
    dataset=dict(data_root=data_root, data_prefix=dict(gt=''), num_inputs=2, input_gap=8))
