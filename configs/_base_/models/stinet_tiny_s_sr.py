# The tiny STINet's S-SR initialiser, the 16-channel, 2-stage dense DBPN (x4), and its shipped
# weights: stage 1 of the tiny recipe (configs/stinet/stinet-tiny-s-sr_*.py), published with
# tools/model_converters/publish_model.py as a Runner checkpoint whose generator is the DBPN (see
# checkpoints/README.md). The default model of tools/inference.py reads them too. A config lists
# this file in its _base_ and takes, e.g.
#   generator=dict(_base_.tiny_dbpn, return_rgb=True)
#   initializer=dict(_base_.tiny_dbpn, init_cfg=_base_.s_sr_init, frozen=True)
tiny_dbpn = dict(type='DenseDBPN', base_channels=16, mid_channels=16, num_stages=2, scale=4)
s_sr_checkpoint = 'checkpoints/stinet-tiny-s-sr_x4_bundled.pth'
s_sr_init = dict(type='Pretrained', checkpoint=s_sr_checkpoint, prefix='generator.')
