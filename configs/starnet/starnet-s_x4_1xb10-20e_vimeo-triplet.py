# STAR-S (Fig. 4c): STAR fine-tuned on the HR frames at the input times only (Space loss).
_base_ = ['./starnet-st_x4_1xb10-20e_vimeo-triplet.py']

model = dict(loss_weights=dict(hr_input=1.0, hr_mid=0., lr_mid=0.))
