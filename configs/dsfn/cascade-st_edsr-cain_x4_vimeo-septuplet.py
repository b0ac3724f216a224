# Two-stage "SR + VFI" baseline from MMagic's networks: EDSR x4 on every input, then CAIN between
# the HR frames (see cascade-ts_edsr-cain_x4_vimeo-septuplet.py).
#   python tools/test.py configs/dsfn/cascade-st_edsr-cain_x4_vimeo-septuplet.py
_base_ = ['./cascade-ts_edsr-cain_x4_vimeo-septuplet.py']

model = dict(generator=dict(order='st'))
