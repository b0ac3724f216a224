# Epoch-based AdaMax schedule (STARnet's): lr 1e-4 divided by 10 every 30 epochs, 70 epochs.
# A config using it also sets epoch-based checkpoints and logs (default_hooks, log_processor).
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=70, val_interval=5)
optim_wrapper = dict(
    type='OptimWrapper', optimizer=dict(type='Adamax', lr=1e-4, betas=(0.9, 0.999), eps=1e-8))
param_scheduler = dict(type='MultiStepLR', by_epoch=True, milestones=[30, 60], gamma=0.1)
