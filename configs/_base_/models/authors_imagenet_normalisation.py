# The input normalisation of the STARnet and STINet authors: frames as [0, 1] tensors normalised
# with ImageNet's mean and std (torchvision `Normalize(mean=[0.485, 0.456, 0.406],
# std=[0.229, 0.224, 0.225])` in the `transform()` of STARnet's `data.py` and STINet's
# `data_STINet.py`), outputs de-normalised the same way (STARnet's `utils.denorm(vgg=True)`).
# Here in [0, 255] units for MMagic's DataPreprocessor, which also de-normalises the predictions.
# Their released weights need it; the paper-faithful configs feed [0, 1] frames (mean 0, std 255).
#
# A variable, not `model = dict(...)`: MMEngine refuses two _base_ files that define the same key
# ("Duplicate key is not allowed among bases"), and every method config defines `model`. Use:
#   _base_ = ['./<method config>.py', '../_base_/models/authors_imagenet_normalisation.py']
#   model = dict(data_preprocessor=_base_.authors_data_preprocessor)
authors_data_preprocessor = dict(
    type='DataPreprocessor',
    mean=[0.485 * 255, 0.456 * 255, 0.406 * 255],
    std=[0.229 * 255, 0.224 * 255, 0.225 * 255])
