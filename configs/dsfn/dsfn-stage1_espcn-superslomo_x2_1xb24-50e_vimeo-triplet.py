# Dual-Stream Fusion Network, training stage 1: pretrain M_S (ESPCN) and M_T (Super SloMo), each
# on its own target: L_MS (Eq. 15, the HR frames at the input times) and L_MT (Eq. 16, the LR
# middle frame), both at lr 1e-4. F and R get no loss. Instead of training, M_S and M_T can load
# given weights: set the `init_cfg` of `spatial` / `temporal` in the stage-2 config (as
# dsfn-stage2_edsr-superslomo_x2_1xb24-50e_vimeo-triplet.py does).
#   python tools/train.py configs/dsfn/dsfn-stage1_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py
_base_ = ['./dsfn_espcn-superslomo_x2_1xb24-50e_vimeo-triplet.py']

model = dict(loss_weights=dict(_delete_=True, ms=1., mt=1.))
optim_wrapper = dict(
    paramwise_cfg=dict(
        custom_keys={
            'generator.spatial': dict(lr_mult=1.),
            'generator.temporal': dict(lr_mult=1.),
        }))
# F and R are built (the checkpoint is the whole model) but get no gradient in this stage
find_unused_parameters = True
