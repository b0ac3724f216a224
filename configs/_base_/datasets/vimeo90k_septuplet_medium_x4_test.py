# Vimeo-90K septuplet test subset "medium" (medium_testset.txt, 4977 clips), x4 space / x2 time: the
# test set of vimeo90k_septuplet_x4.py with only its list changed (frames 1, 3, 5, 7 in, all 7 out).
#
# Layout: data/vimeo_septuplet/sequences/<video>/<clip>/im1.png .. im7.png and medium_testset.txt
# (one <video>/<clip> per line, as sep_testlist.txt).
# A model config built on vimeo90k_septuplet_x4.py is tested on this subset with
#   python tools/test.py CONFIG CKPT --cfg-options test_dataloader.dataset.data_root=... \
#       test_dataloader.dataset.ann_file=medium_testset.txt
_base_ = ['./vimeo90k_septuplet_x4.py']

test_dataloader = dict(dataset=dict(ann_file='medium_testset.txt'))
