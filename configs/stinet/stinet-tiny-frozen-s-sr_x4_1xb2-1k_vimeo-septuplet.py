# Stage 2 of the tiny STINet recipe, as the authors train STINet: the S-SR initialiser pretrained
# by stinet-tiny-s-sr_x4_1xb16-4k_vimeo-septuplet-frames.py (its MMEngine checkpoint) and frozen,
# the rest trained on the septuplets with l_rec + l'_rec. Without the motion consistency loss
# (Table 1's "w/o MCL"): the authors' MCL carries no gradient (Farneback in numpy), and ours, with
# gradient, dominates the loss of a model that does not yet reconstruct frames, which a short CPU
# run cannot afford.
#   python tools/train.py configs/stinet/stinet-tiny-frozen-s-sr_x4_1xb2-1k_vimeo-septuplet.py
_base_ = ['./stinet_tiny.py']

# stage 1's result as shipped (`s_sr_init` of ../_base_/models/stinet_tiny_s_sr.py, see
# checkpoints/README.md)
model = dict(
    generator=dict(initializer=dict(init_cfg=_base_.s_sr_init, frozen=True)), motion_loss=None)

train_cfg = dict(max_iters=1000, val_interval=1000)
optim_wrapper = dict(optimizer=dict(lr=4e-4))
param_scheduler = dict(milestones=[700, 900])
default_hooks = dict(checkpoint=dict(interval=250))
