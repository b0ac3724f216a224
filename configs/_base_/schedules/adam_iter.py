# Iteration-based Adam schedule; models override lr, milestones and max_iters.
train_cfg = dict(type='IterBasedTrainLoop', max_iters=300000, val_interval=5000)
optim_wrapper = dict(
    type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-4, betas=(0.9, 0.99)))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=False, milestones=[100000, 200000], gamma=0.5)
