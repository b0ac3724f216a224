# Middlebury optical-flow benchmark, "other" sequences with interpolation ground truth (used by
# STARnet), x4 space / x2 time: frame10 and frame11 in (MATLAB-bicubic LR made on the fly), the
# two and the ground-truth middle frame frame10i11 out. A model tested on it must have scale=4 and
# times=(0.5,). Its frames are of several sizes (e.g. 584x388, 640x480): test with batch_size=1.
#
# Layout (other-color-twoframes.zip and other-gt-interp.zip of vision.middlebury.edu/flow):
#   data/middlebury/other-data/<name>/frame10.png, frame11.png
#   data/middlebury/other-gt-interp/<name>/frame10i11.png
# the clips being the folders of other-gt-interp/. A model is tested as on UCF101
# (ucf101_triplet_test.py):
#   python tools/test.py CONFIG CKPT --cfg-options test_dataloader.dataset.data_root=...
_base_ = ['./ucf101_triplet_test.py']

data_root = 'data/middlebury'
test_dataloader = dict(
    dataset=dict(
        data_root=data_root,
        clip_folder='other-gt-interp',
        frame_paths=[
            'other-data/{clip}/frame10.png', 'other-gt-interp/{clip}/frame10i11.png',
            'other-data/{clip}/frame11.png'
        ]))
