"""Real clips and helpers shared by the tests of ``mmstvsr.apis`` and ``tools/inference.py``."""
import glob
import importlib.util
import os.path as osp

import cv2
import pytest
import torch
from mmagic.registry import MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
#: 10 real frames 96x64, 'Frame 001.png' ... (the clip of tests/data/videos/carphone_96x64.mp4)
FRAMES = osp.join(ROOT, 'tests', 'data', 'vid4', 'GT', 'carphone')
VIMEO = osp.join(ROOT, 'tests', 'data', 'vimeo_septuplet', 'sequences')
TINY = osp.join(ROOT, 'configs', 'baselines', 'residual-stvsr-tiny_x4_vimeo-septuplet.py')


@pytest.fixture(scope='session')
def tool():
    """The ``tools/inference.py`` module."""
    spec = importlib.util.spec_from_file_location('inference_tool',
                                                  osp.join(ROOT, 'tools', 'inference.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def run_tool(tool, capsys):
    """Run ``tools/inference.py`` in this process; return ``(exit code, stdout, stderr)``."""

    def run(*args):
        try:
            tool.main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture(scope='session')
def real_frames():
    """The 10 real BGR frames ``(64, 96, 3)`` of :data:`FRAMES`."""
    return [cv2.imread(f) for f in sorted(glob.glob(osp.join(FRAMES, '*.png')))]


@pytest.fixture(scope='session')
def vimeo_frames():
    """56 real BGR frames ``(256, 448, 3)`` of the bundled Vimeo-90K septuplets, in clip order."""
    return [cv2.imread(f) for f in sorted(glob.glob(osp.join(VIMEO, '*', '*', 'im*.png')))]


@pytest.fixture(scope='session')
def write_video():
    """``write_video(path, frames, fps=25, fourcc='mp4v')``: BGR frames to a video file."""

    def write(path, frames, fps=25.0, fourcc='mp4v'):
        h, w = frames[0].shape[:2]
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, (w, h))
        assert writer.isOpened()
        for frame in frames:
            writer.write(frame)
        writer.release()
        return str(path)

    return write


@pytest.fixture(scope='session')
def read_video():
    """``read_video(path) -> (frames, fps)``: all BGR frames and the frame rate of a video."""

    def read(path):
        cap = cv2.VideoCapture(str(path))
        fps = cap.get(cv2.CAP_PROP_FPS)
        frames = []
        ok, frame = cap.read()
        while ok:
            frames.append(frame)
            ok, frame = cap.read()
        cap.release()
        return frames, fps

    return read


@pytest.fixture(scope='session')
def tiny_checkpoint(tmp_path_factory):
    """An MMEngine checkpoint of residual-stvsr-tiny with random (seeded) weights."""
    init_default_scope('mmagic')
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(TINY).model)
    path = tmp_path_factory.mktemp('ckpt') / 'tiny.pth'
    torch.save(dict(state_dict=model.state_dict(), meta=dict(iter=0)), path)
    return str(path)
