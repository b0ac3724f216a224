# "Spatial SR, then frame interpolation" cascade: every input frame is super-resolved by the tiny
# dense DBPN that configs/stinet/stinet-tiny-s-sr_x4_1xb16-4k_vimeo-septuplet-frames.py trains on
# the bundled real training clips (single-image x4 SR, L1), then the frames at t' are interpolated
# from the SR frames with the Farneback flows of the bicubic-flow baseline. The DBPN is loaded
# from its shipped weights (`s_sr_init` of ../_base_/models/stinet_tiny_s_sr.py) and frozen;
# nothing else is learned, so no model checkpoint is needed:
#   python tools/test.py configs/cascades/dbpn-tiny-then-flow_x4_vimeo-septuplet.py
#   python tools/inference.py in.mp4 out.mp4       (the default model of tools/inference.py)
_base_ = [
    '../baselines/bicubic-flow_x4_vimeo-septuplet.py', '../_base_/models/stinet_tiny_s_sr.py'
]

model = dict(
    generator=dict(
        upsampler=dict(_base_.tiny_dbpn, return_rgb=True, init_cfg=_base_.s_sr_init,
                       frozen=True)))
test_dataloader = dict(dataset=dict(data_root='tests/data/vimeo_septuplet'))
