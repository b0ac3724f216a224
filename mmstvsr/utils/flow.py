"""Optical flow between frames: OpenCV Farneback (as the STINet authors compute it) and Ce Liu's
coarse-to-fine flow through the ``pyflow`` extension (as the STARnet authors compute it)."""
import math
from typing import Optional, Sequence, Tuple

import cv2
import numpy as np
import torch

#: Arguments of ``cv2.calcOpticalFlowFarneback`` after ``flow=None``, in order:
#: pyr_scale=0.5 (each pyramid level is half the previous one), levels=3,
#: winsize=15 (averaging window), iterations=3 (per pyramid level),
#: poly_n=5 (pixel neighbourhood of the polynomial expansion),
#: poly_sigma=1.2 (Gaussian sigma of that expansion), flags=0.
FARNEBACK_PARAMS = (0.5, 3, 15, 3, 5, 1.2, 0)

_TO_GRAY = {'bgr': cv2.COLOR_BGR2GRAY, 'rgb': cv2.COLOR_RGB2GRAY}


def _to_gray_uint8(img, channel_order):
    """Convert a frame to a contiguous uint8 grayscale image.

    Args:
        img (np.ndarray): ``(H, W)`` or ``(H, W, 3)`` frame, uint8 or float
            in [0, 255] (rounded to the nearest integer, then clipped).
        channel_order (str): 'bgr' or 'rgb', the order of a colour frame.

    Returns:
        np.ndarray: ``(H, W)`` uint8 image.
    """
    if img.dtype != np.uint8:
        if not np.issubdtype(img.dtype, np.floating):
            raise TypeError(
                f'frames must be uint8 or float, got dtype {img.dtype}')
        img = np.clip(np.rint(img), 0, 255).astype(np.uint8)
    if img.ndim == 3 and img.shape[2] == 3:
        img = cv2.cvtColor(np.ascontiguousarray(img), _TO_GRAY[channel_order])
    elif img.ndim != 2:
        raise ValueError(
            f'frames must be (H, W) or (H, W, 3), got shape {img.shape}')
    return np.ascontiguousarray(img)


def farneback_flow(prev, nxt, channel_order='bgr'):
    """Dense optical flow from ``prev`` to ``nxt`` (OpenCV Farneback).

    Both frames are converted to uint8 grayscale, then
    ``cv2.calcOpticalFlowFarneback(prev_gray, next_gray, None, 0.5, 3, 15, 3,
    5, 1.2, 0)`` is run (see :data:`FARNEBACK_PARAMS`).

    Args:
        prev (np.ndarray): First frame, ``(H, W)`` gray or ``(H, W, 3)``
            colour; uint8, or float in [0, 255] (rounded to uint8).
        nxt (np.ndarray): Second frame, same shape as ``prev``.
        channel_order (str): 'bgr' or 'rgb', channel order of colour
            frames, used for the gray conversion. Default: 'bgr'.

    Returns:
        np.ndarray: ``(H, W, 2)`` float32 flow ``(u, v)``: the x and y
        displacements in pixels, with ``prev[y, x] ~ nxt[y + v, x + u]``.
    """
    if channel_order not in _TO_GRAY:
        raise ValueError(
            f"channel_order must be 'bgr' or 'rgb', got {channel_order!r}")
    if prev.shape != nxt.shape:
        raise ValueError(
            f'frames differ in shape: {prev.shape} vs {nxt.shape}')
    prev_gray = _to_gray_uint8(prev, channel_order)
    next_gray = _to_gray_uint8(nxt, channel_order)
    flow = cv2.calcOpticalFlowFarneback(prev_gray, next_gray, None,
                                        *FARNEBACK_PARAMS)
    return flow.astype(np.float32, copy=False)


#: Arguments of pyflow's ``coarse2fine_flow`` after the two frames, as the STARnet authors set
#: them (``get_flow`` in their ``dataset.py``): alpha=0.012 (smoothness), ratio=0.75 (pyramid
#: downsampling), minWidth=20 (coarsest level), nOuterFPIterations=7, nInnerFPIterations=1,
#: nSORIterations=30, colType=0 (RGB).
PYFLOW_PARAMS = (0.012, 0.75, 20, 7, 1, 30, 0)
#: Narrowest frame pyflow takes with :data:`PYFLOW_PARAMS`: below ``minWidth / ratio`` pixels its
#: pyramid gets no level and the extension crashes the process (measured: width 26 crashes, 27
#: works; the height does not matter).
PYFLOW_MIN_WIDTH = math.ceil(PYFLOW_PARAMS[2] / PYFLOW_PARAMS[1])
#: How to install the optional ``pyflow`` extension (it is not on PyPI).
PYFLOW_INSTALL = ('pip install cython && pip install --no-build-isolation '
                  'git+https://github.com/pathak22/pyflow.git')


def _import_pyflow():
    """The ``pyflow`` extension, or an ImportError that says how to install it."""
    try:
        import pyflow
    except ImportError as err:
        raise ImportError("the STARnet authors' flows need the pyflow extension (Ce Liu's "
                          f'coarse-to-fine flow), which is not installed: {PYFLOW_INSTALL}; or '
                          "use Farneback flows (dict(type='FarnebackFlow')), the substitute") \
            from err
    return pyflow


def pyflow_flow(prev, nxt, channel_order='bgr'):
    """Dense optical flow from ``prev`` to ``nxt`` with Ce Liu's coarse-to-fine variational flow.

    The STARnet authors' flow (``get_flow`` in their ``dataset.py``): pyflow's
    ``coarse2fine_flow`` on RGB frames as float64 in [0, 1], with :data:`PYFLOW_PARAMS`. It needs
    the ``pyflow`` extension (pathak22/pyflow, see :data:`PYFLOW_INSTALL`); :func:`farneback_flow`
    is the substitute that needs nothing more.

    Args:
        prev (np.ndarray): First frame ``(H, W, 3)``, uint8 or float in [0, 255].
        nxt (np.ndarray): Second frame, same shape as ``prev``.
        channel_order (str): 'bgr' or 'rgb', channel order of the frames. Default: 'bgr'.

    Returns:
        np.ndarray: ``(H, W, 2)`` float32 flow ``(u, v)`` in pixels, as :func:`farneback_flow`.

    Raises:
        ImportError: ``pyflow`` is not installed; the message names the install command.
    """
    pyflow = _import_pyflow()
    if channel_order not in _TO_GRAY:
        raise ValueError(f"channel_order must be 'bgr' or 'rgb', got {channel_order!r}")
    if prev.shape != nxt.shape or prev.ndim != 3 or prev.shape[2] != 3:
        raise ValueError(f'pyflow takes two (H, W, 3) frames, got {prev.shape} and {nxt.shape}')
    if prev.shape[1] < PYFLOW_MIN_WIDTH:
        raise ValueError(f'pyflow needs frames at least {PYFLOW_MIN_WIDTH} pixels wide (it '
                         f'crashes on narrower ones), got {prev.shape[1]}: use Farneback flows')

    def rgb01(img):
        img = img[..., ::-1] if channel_order == 'bgr' else img
        return np.ascontiguousarray(img, dtype=np.float64) / 255.

    u, v, _ = pyflow.coarse2fine_flow(rgb01(prev), rgb01(nxt), *PYFLOW_PARAMS)
    return np.stack([u, v], axis=2).astype(np.float32)


#: Flow methods by name, for :func:`neighbour_flows` and the flow transforms.
FLOW_METHODS = {'farneback': farneback_flow, 'pyflow': pyflow_flow}


def flow_method(name, check_installed=False):
    """The flow function called ``name`` in :data:`FLOW_METHODS`.

    Args:
        name (str): 'farneback' or 'pyflow'.
        check_installed (bool): Also import what the method needs now (the ``pyflow``
            extension), so that a missing one is reported before any work. Default: False.

    Raises:
        ValueError: Unknown name.
        ImportError: ``check_installed`` and the method's extension is missing.
    """
    if name not in FLOW_METHODS:
        raise ValueError(f'unknown flow method {name!r}: choose one of {sorted(FLOW_METHODS)}')
    if check_installed and name == 'pyflow':
        _import_pyflow()
    return FLOW_METHODS[name]


def neighbour_flows(frames, channel_order='bgr', method='farneback'):
    """Forward and backward flows between consecutive frames.

    Args:
        frames (Sequence[np.ndarray]): T >= 2 frames, each as accepted by
            :func:`farneback_flow`.
        channel_order (str): 'bgr' or 'rgb' for colour frames.
        method (str): A name in :data:`FLOW_METHODS`. Default: 'farneback'.

    Returns:
        tuple[torch.Tensor, torch.Tensor]: float32 ``(T - 1, 2, H, W)``
        forward flows (frame i to i + 1) and backward flows (i + 1 to i),
        channels ``(u, v)``.
    """
    flow = flow_method(method)
    pairs = list(zip(frames[:-1], frames[1:]))
    forward = [flow(a, b, channel_order) for a, b in pairs]
    backward = [flow(b, a, channel_order) for a, b in pairs]

    def to_tensor(flows):
        return torch.from_numpy(
            np.ascontiguousarray(np.stack(flows).transpose(0, 3, 1, 2)))

    return to_tensor(forward), to_tensor(backward)


class FlowProvider:
    """Flows between neighbouring frames: the one way mmstvsr computes them.

    The pipeline's flow transforms (:class:`~mmstvsr.datasets.transforms.FarnebackFlow`,
    ``PyflowFlow``), the inferencer (on whole frames, before tiling) and the networks (for inputs
    given without flows, :func:`batch_neighbour_flows`) all call one of these.

    Args:
        method (str): A name in :data:`FLOW_METHODS`. Default: 'farneback'.
        channel_order (str, optional): Read colour frames as 'bgr' or 'rgb' whatever order they
            are in (the STINet authors apply ``COLOR_BGR2GRAY`` to RGB frames); None reads them
            in their own order. Default: None.
    """

    def __init__(self, method: str = 'farneback', channel_order: Optional[str] = None):
        if channel_order not in (None, 'bgr', 'rgb'):
            raise ValueError(f"channel_order must be None, 'bgr' or 'rgb', got {channel_order!r}")
        flow_method(method)  # a known name (installed or not)
        self.method = method
        self.channel_order = channel_order

    def check_installed(self) -> None:
        """Raise an ImportError naming the install command if the method needs a missing
        extension."""
        flow_method(self.method, check_installed=True)

    def __call__(self, frames: Sequence[np.ndarray],
                 frames_order: str = 'bgr') -> Tuple[torch.Tensor, torch.Tensor]:
        """Forward and backward flows of ``T >= 2`` frames.

        Args:
            frames (Sequence[np.ndarray]): Frames ``(h, w, 3)``, uint8 or float in [0, 255].
            frames_order (str): Channel order of the frames, 'bgr' or 'rgb'. Default: 'bgr'.

        Returns:
            tuple[torch.Tensor, torch.Tensor]: float32 ``(T - 1, 2, h, w)`` flows from frame i to
            i + 1 and from i + 1 to i (:func:`neighbour_flows`).
        """
        return neighbour_flows(frames, self.channel_order or frames_order, self.method)

    def batch(self, frames: torch.Tensor,
              frames_order: str = 'rgb') -> Tuple[torch.Tensor, torch.Tensor]:
        """:meth:`__call__` for a batch of frames in [0, 1] (rounded to uint8 first).

        Args:
            frames (torch.Tensor): ``(B, T, 3, h, w)`` frames in [0, 1].
            frames_order (str): Their channel order. Default: 'rgb'.

        Returns:
            tuple[torch.Tensor, torch.Tensor]: ``(B, T - 1, 2, h, w)`` forward and backward
            flows, on the device of ``frames``, without gradient.
        """
        uint8 = (frames.detach().clamp(0, 1) * 255).round().to(torch.uint8)
        uint8 = uint8.permute(0, 1, 3, 4, 2).cpu().numpy()
        flows = [self(list(seq), frames_order) for seq in uint8]
        return tuple(torch.stack(f).to(frames.device) for f in zip(*flows))

    def __repr__(self) -> str:
        return f'{type(self).__name__}(method={self.method!r}, ' \
               f'channel_order={self.channel_order!r})'


def batch_neighbour_flows(lrs):
    """Farneback flows of a batch of network inputs given without flows
    (:meth:`FlowProvider.batch`).

    Args:
        lrs (torch.Tensor): ``(B, T, 3, h, w)`` RGB frames in [0, 1].

    Returns:
        tuple[torch.Tensor, torch.Tensor]: ``(B, T - 1, 2, h, w)`` forward
        and backward flows, on the device of ``lrs``, without gradient.
    """
    return FlowProvider().batch(lrs, 'rgb')


def normalize_flow(flow, max_flow=150.):
    """STARnet's flow scaling: clip to ``+-max_flow`` pixels, then map linearly to [-1, 1].

    The authors' ``rescale_flow(x, -1, 1)`` maps ``+max_flow`` to -1 and ``-max_flow`` to +1, that
    is ``-x / max_flow``; this keeps their sign so that their weights see the inputs they were
    trained on.

    Args:
        flow (torch.Tensor): Flows in pixels, any shape.
        max_flow (float): Clipping bound in pixels. Default: 150.

    Returns:
        torch.Tensor: ``-clip(flow, -max_flow, max_flow) / max_flow``, in [-1, 1].
    """
    return -flow.clamp(-max_flow, max_flow) / max_flow


def intermediate_flows(flow_01, flow_10, t):
    """Flows from time ``t`` to the two neighbours, Super SloMo's linear-motion approximation.

    Eq. 4 of Jiang et al. (CVPR 2018): ``F_t0 = -(1 - t) t F_01 + t^2 F_10`` and
    ``F_t1 = (1 - t)^2 F_01 - t (1 - t) F_10``.

    Args:
        flow_01 (torch.Tensor): Flow from frame 0 to frame 1, ``(B, 2, H, W)``.
        flow_10 (torch.Tensor): Flow from frame 1 to frame 0, ``(B, 2, H, W)``.
        t (float | torch.Tensor): Time in (0, 1), a float or a ``(B, 1, 1, 1)`` tensor.

    Returns:
        tuple[torch.Tensor, torch.Tensor]: ``F_t0`` and ``F_t1``, ``(B, 2, H, W)``.
    """
    flow_t0 = -(1 - t) * t * flow_01 + t * t * flow_10
    flow_t1 = (1 - t)**2 * flow_01 - t * (1 - t) * flow_10
    return flow_t0, flow_t1
