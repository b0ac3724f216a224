# The continuation of the tiny STINet recipe with the motion consistency loss back on (lambda2 =
# 0.1, differentiable Horn-Schunck flows), for a model that already reconstructs frames: MCL then
# supervises the motion between the output frames, the intermediate ones included. A CPU
# compromise: l_abs over adjacent pairs only (Table 5's "adjacent" variant) and 10 Horn-Schunck
# iterations on 3 levels; MCL over all 42 ordered pairs with the default estimator takes
# about 12 s per iteration here instead of 3.
#   python tools/train.py \
#       configs/stinet/stinet-tiny-frozen-s-sr-cont-mcl_x4_1xb2-2k_vimeo-septuplet.py \
#       --cfg-options load_from=CHECKPOINT
_base_ = ['./stinet-tiny-frozen-s-sr-cont_x4_1xb2-2k_vimeo-septuplet.py']

model = dict(
    motion_loss=dict(
        _delete_=True,
        type='MotionConsistencyLoss',
        flow_estimator=dict(type='HornSchunckFlow', num_iters=10, num_levels=3),
        pairs='adjacent',
        loss_weight=0.1))
