# Table 1, "STAR w/o Stage 2": no refinement stage (NetF, NetB); the stage-1 images are the output.
_base_ = ['./starnet_x4_1xb10-70e_vimeo-triplet.py']

model = dict(generator=dict(type='STARnetWithoutStage2Net'))
