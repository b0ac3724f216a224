# Fine-tune the default model (the cascade of dbpn-tiny-then-flow_x4_vimeo-septuplet.py: the tiny
# dense DBPN, then Farneback-flow interpolation) on your own footage. Its DBPN starts from the
# bundled weights (`s_sr_init`, read by its init_cfg) and is trained, no longer frozen, through the
# interpolation, with L1 on all 7 frames of septuplets cut from every video (mp4, mov, ...) and
# folder of frames under `data_root` (VideoFolderClipsDataset: no list file; clips across scene
# cuts and static clips are left out; the motion it measures is cached in
# `data_root`/.mmstvsr_index.json, so a later run decodes only new or changed videos: set
# index_cache=False in own_clips to turn it off, or a file path to put it elsewhere). Validation
# draws input | output | GT strips (ClipStripHook) of a few clips of the same folder. Point both
# at your folder:
#   python tools/train.py configs/cascades/dbpn-tiny-then-flow-finetune_x4_own-videos.py \
#       --work-dir work_dirs/own --cfg-options train_dataloader.dataset.data_root=MY_VIDEOS \
#       val_dataloader.dataset.data_root=MY_VIDEOS
#   python tools/inference.py in.mp4 out.mp4 \
#       --config configs/cascades/dbpn-tiny-then-flow-finetune_x4_own-videos.py \
#       --checkpoint work_dirs/own/iter_2000.pth
_base_ = [
    './dbpn-tiny-then-flow_x4_vimeo-septuplet.py',
    '../_base_/datasets/vimeo90k_septuplet_x4_train.py', '../_base_/schedules/adam_iter.py'
]

data_root = 'data/own_videos'
model = dict(generator=dict(upsampler=dict(frozen=False)))

own_clips = dict(type='VideoFolderClipsDataset', data_root=data_root, clip_length=7,
                 input_gap=2, scene_cut_threshold=40.0, static_threshold=0.5)
load = dict(type='LoadClipFrames', key='gt', channel_order='rgb')
# the Vimeo-90K septuplet pipelines with flows, reading the frames from the videos, with 64x64 HR
# crops (footage as small as 96x64 can be used)
train_pipeline = [load] + [
    dict(type='PairedRandomCrop', gt_patch_size=64) if step['type'] == 'PairedRandomCrop' else step
    for step in _base_.train_pipeline[1:-1]
] + [_base_.farneback, _base_.flow_pack]
test_pipeline = [load] + _base_.test_pipeline[1:]

train_dataloader = dict(
    batch_size=4,
    num_workers=2,
    dataset=dict(_delete_=True, **own_clips, clip_stride=1, pipeline=train_pipeline))
val_dataloader = dict(
    num_workers=0,
    dataset=dict(_delete_=True, **own_clips, clip_stride=60, test_mode=True,
                 pipeline=test_pipeline))
test_dataloader = val_dataloader
train_cfg = dict(max_iters=2000, val_interval=500)
optim_wrapper = dict(optimizer=dict(lr=2e-5))
param_scheduler = dict(milestones=[1500], gamma=0.5)
default_hooks = dict(logger=dict(interval=50), checkpoint=dict(interval=500, max_keep_ckpts=2))
custom_hooks = [dict(type='NonFiniteGuardHook'), dict(type='ClipStripHook', interval=1)]
