# STARnet trained with L_f (Eq. 17): L_r + 0.1 L_vgg, the VGG19 feature loss (relu5_4, squared
# L2) on every target. torchvision's VGG19 weights cannot be downloaded by the code: put them at
# `vgg_weights`.
_base_ = ['./starnet_x4_1xb10-70e_vimeo-triplet.py']

vgg_weights = 'checkpoints/vgg19-dcbb9e9d.pth'
model = dict(
    perceptual_loss=dict(type='VGGPerceptualLoss', pretrained=vgg_weights, loss_weight=0.1))
