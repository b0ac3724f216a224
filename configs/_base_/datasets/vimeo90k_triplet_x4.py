# Vimeo-90K triplet (STARnet, Dual-Stream), x4 space / x2 time: frames 1 and 3 in (MATLAB-bicubic
# LR made on the fly), all 3 HR frames out. Pipelines, loaders and evaluator as
# vimeo90k_septuplet_x4.py; only the dataset differs.
#
# Layout: data/vimeo_triplet/sequences/<video>/<clip>/im1.png, im2.png, im3.png, tri_trainlist.txt
# and tri_testlist.txt (one <video>/<clip> per line).
# Test a model whose config inherits this file (its times must be (0.5,)):
#   python tools/test.py CONFIG CKPT --cfg-options test_dataloader.dataset.data_root=...
_base_ = ['./vimeo90k_septuplet_x4.py']

data_root = 'data/vimeo_triplet'
train_dataloader = dict(
    dataset=dict(type='VimeoTripletDataset', data_root=data_root, ann_file='tri_trainlist.txt'))
val_dataloader = dict(
    dataset=dict(type='VimeoTripletDataset', data_root=data_root, ann_file='tri_testlist.txt'))
test_dataloader = val_dataloader
