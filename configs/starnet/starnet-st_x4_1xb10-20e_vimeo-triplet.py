# STAR-ST (Fig. 4b): STAR fine-tuned on the HR targets only (Space and Space-Time losses), 20
# epochs at lr 1e-4 divided by 10 after 10, from the STAR checkpoint, given as `load_from` (as
# for the fine-tunes built on this config, STAR-S, STAR-T-LR and STAR-T-HR):
#   python tools/train.py configs/starnet/starnet-st_x4_1xb10-20e_vimeo-triplet.py \
#       --cfg-options load_from=work_dirs/starnet_x4_1xb10-70e_vimeo-triplet/epoch_70.pth
_base_ = ['./starnet_x4_1xb10-70e_vimeo-triplet.py']

model = dict(loss_weights=dict(hr_input=0.5, hr_mid=1.0, lr_mid=0.))
train_cfg = dict(max_epochs=20)
param_scheduler = dict(milestones=[10])
