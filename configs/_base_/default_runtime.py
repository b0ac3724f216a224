# Runtime shared by every mmstvsr config: MMagic scope, mmstvsr registered via custom_imports.
default_scope = 'mmagic'
custom_imports = dict(imports=['mmstvsr'], allow_failed_imports=False)

save_dir = './work_dirs'
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=100),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        type='CheckpointHook',
        interval=5000,
        by_epoch=False,
        save_optimizer=True,
        max_keep_ckpts=10),
    sampler_seed=dict(type='DistSamplerSeedHook'),
)
# stop at the first NaN / inf loss and never save non-finite weights (tools/train.py: one line)
# and draw input | prediction | GT strips of every 500th validation / test clip (the first
# included), in-between frames too, to <work_dir>/vis/ (mmstvsr.engine.hooks.ClipStripHook)
custom_hooks = [dict(type='NonFiniteGuardHook'), dict(type='ClipStripHook', interval=500)]
env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=4),
    # tools/train.py and tools/test.py switch to 'gloo' when no GPU is visible
    dist_cfg=dict(backend='nccl'),
)
log_level = 'INFO'
log_processor = dict(type='LogProcessor', window_size=100, by_epoch=False)
load_from = None
resume = False
