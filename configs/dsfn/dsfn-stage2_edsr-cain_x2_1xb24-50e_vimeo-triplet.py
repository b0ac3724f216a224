# Table 4, both sub-networks from MMagic's model zoo: EDSR x2 as M_S and CAIN as M_T, fixed;
# F and R trained (stage 2).
_base_ = ['./dsfn-stage2_edsr-superslomo_x2_1xb24-50e_vimeo-triplet.py']

model = dict(generator=dict(temporal=dict(_base_.cain_upsampler, _delete_=True)))
