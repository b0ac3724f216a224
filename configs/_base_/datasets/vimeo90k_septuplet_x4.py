# Vimeo-90K septuplet, x4 space / x2 time: frames 1,3,5,7 in (MATLAB-bicubic LR made on the fly),
# all 7 HR frames out. Test lists: sep_testlist.txt (all), fast/medium/slow_testset.txt.
# The base of learned models: the test set (vimeo90k_septuplet_x4_test.py, alone the base of
# non-learned configs) and the training set (vimeo90k_septuplet_x4_train.py).
_base_ = ['./vimeo90k_septuplet_x4_test.py', './vimeo90k_septuplet_x4_train.py']
