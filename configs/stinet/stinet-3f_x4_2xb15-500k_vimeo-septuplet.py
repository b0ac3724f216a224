# STINet(3) (Table 2): 3 intermediate frames between two inputs (t' = 1/4, 1/2, 3/4, Eq. 1).
# From each Vimeo-90K septuplet, frames 1 and 5 are the inputs and frames 1..5 the targets.
_base_ = ['./stinet_x4_2xb15-500k_vimeo-septuplet.py']

model = dict(times=(0.25, 0.5, 0.75))
clip = dict(frame_names=[f'im{i}.png' for i in range(1, 6)], input_indices=(0, 4))
train_dataloader = dict(dataset=clip)
val_dataloader = dict(dataset=clip)
test_dataloader = val_dataloader
