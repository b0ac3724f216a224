# The real Vimeo-90K septuplets bundled with the project in tests/data/vimeo_septuplet, for the
# tiny configs: the 13 training clips of mini_trainlist.txt and the three held-out test clips of
# sep_testlist.txt. Dataset dicts without pipelines; a config adds its own, e.g.
#   dataset=dict(type='ConcatDataset', datasets=[
#       dict(triplets, pipeline=train_pipeline) for triplets in _base_.bundled_train_triplets])
bundled_data = 'tests/data/vimeo_septuplet'
# every training septuplet as three triplets: frames 1-3, 3-5 and 5-7
bundled_train_triplets = [
    dict(type='VimeoTripletDataset', data_root=bundled_data, ann_file='mini_trainlist.txt',
         frame_names=[f'im{first + i}.png' for i in range(3)]) for first in (1, 3, 5)
]
# the held-out septuplets: frames 1, 3, 5, 7 in, all 7 out
bundled_test_septuplets = dict(
    type='VimeoSeptupletDataset',
    data_root=bundled_data,
    ann_file='sep_testlist.txt',
    frame_names=[f'im{i}.png' for i in range(1, 8)],
    input_indices=[0, 2, 4, 6])
