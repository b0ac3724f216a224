# Two-stage baseline "SR then VFI" (M_S->T, Eq. 3-5, no fusion): ESPCN super-resolves the inputs,
# Super SloMo interpolates between the HR frames (Table 2, setting II); both from the last DSFN
# stage-1 checkpoint (see cascade-ts_espcn-superslomo_x2_vimeo-triplet.py):
#   python tools/test.py configs/dsfn/cascade-st_espcn-superslomo_x2_vimeo-triplet.py $STAGE1
_base_ = ['./cascade-ts_espcn-superslomo_x2_vimeo-triplet.py']

model = dict(generator=dict(order='st'))
