# STINet(5) (Table 2): 5 intermediate frames between two inputs (t' = 1/6 .. 5/6, Eq. 1).
# From each Vimeo-90K septuplet, frames 1 and 7 are the inputs and all 7 frames the targets.
_base_ = ['./stinet_x4_2xb15-500k_vimeo-septuplet.py']

model = dict(times=tuple(i / 6 for i in range(1, 6)))
clip = dict(input_indices=(0, 6))
train_dataloader = dict(dataset=clip)
val_dataloader = dict(dataset=clip)
test_dataloader = val_dataloader
