# Epoch-based RAdam schedule (the Dual-Stream Fusion Network's): constant learning rate, 50
# epochs (the authors' train.py default), decoupled weight decay as the authors' RAdam.
# A config using it sets the per-network learning rates (paramwise_cfg), epoch-based checkpoints
# and logs (default_hooks, log_processor).
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=50, val_interval=5)
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(
        type='RAdam', lr=1e-4, betas=(0.9, 0.999), eps=1e-8, decoupled_weight_decay=True))
param_scheduler = []
