# Stage 2, continued: 2000 more iterations of the tiny STINet recipe, starting from the weights of
# a run of stinet-tiny-frozen-s-sr_x4_1xb2-1k_vimeo-septuplet.py given as `load_from` (fresh
# optimiser, lr back to 4e-4). A CPU run cannot afford the paper's 500k iterations in one go; this
# chains them (tools/stinet_tiny_recipe.sh runs the whole chain):
#   python tools/train.py configs/stinet/stinet-tiny-frozen-s-sr_x4_1xb2-1k_vimeo-septuplet.py \
#       --work-dir work_dirs/stinet-tiny-frozen-s-sr
#   python tools/train.py \
#       configs/stinet/stinet-tiny-frozen-s-sr-cont_x4_1xb2-2k_vimeo-septuplet.py \
#       --work-dir work_dirs/stinet-tiny-frozen-s-sr-cont \
#       --cfg-options load_from=work_dirs/stinet-tiny-frozen-s-sr/iter_1000.pth
_base_ = ['./stinet-tiny-frozen-s-sr_x4_1xb2-1k_vimeo-septuplet.py']

train_cfg = dict(max_iters=2000, val_interval=2000)
param_scheduler = dict(milestones=[1500, 1800])
default_hooks = dict(checkpoint=dict(interval=500))
