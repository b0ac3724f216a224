# STARnet "STAR" (V4 with flow refinement) as the authors' released code computes it: the config
# for their FBPNSR_RBPN_V4_REF checkpoints (tools/model_converters/starnet_to_mmstvsr.py). The
# network is that of the paper-faithful starnet_x4_1xb10-70e_vimeo-triplet.py; the data differ in
# two ways, each what the authors' code does:
# - inputs normalised with ImageNet's mean and std, outputs de-normalised alike (`transform()` of
#   their data.py, `utils.denorm(vgg=True)` in eval.py), instead of [0, 1] frames;
# - flows from Ce Liu's coarse-to-fine variational flow (the `pyflow` extension, with the
#   parameters of get_flow in their dataset.py) instead of OpenCV's Farneback, both for the input
#   flows and for the flow-loss targets. pyflow is not on PyPI: without it the pipeline raises an
#   ImportError naming the install command (mmstvsr.utils.flow.PYFLOW_INSTALL); Farneback flows
#   (the paper-faithful config's pipelines) are the documented substitute. pyflow needs frames at
#   least 27 pixels wide.
# Not reproduced: their LR frames come from PIL's bicubic resize, ours from MATLAB's bicubic
# (MATLABBicubicDownsample), as the benchmarks are defined.
# tests/test_golden/test_starnet_golden.py checks that this config reproduces the outputs of the
# authors' code (tests/data/golden/README.md).
#   python tools/test.py configs/starnet/starnet-authors_x4_1xb10-70e_vimeo-triplet.py CKPT
_base_ = [
    './starnet_x4_1xb10-70e_vimeo-triplet.py', '../_base_/models/authors_imagenet_normalisation.py'
]

model = dict(data_preprocessor=_base_.authors_data_preprocessor)


def _pyflow(pipeline):
    """The pipeline with its Farneback steps computing the authors' pyflow flows."""
    steps = []
    for step in pipeline:
        if step['type'] == 'FarnebackFlow':
            step = dict(step, type='PyflowFlow')
        elif step['type'] == 'InBetweenFlows':
            step = dict(step, method='pyflow')
        steps.append(step)
    return steps


train_pipeline = _pyflow(_base_.train_pipeline)
test_pipeline = _pyflow(_base_.test_pipeline)
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
