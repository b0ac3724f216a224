"""Optical flow between consecutive input frames."""
import torch
from mmagic.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from mmstvsr.utils.flow import FlowProvider
from mmstvsr.utils.matlab_resize import imresize_matlab


@TRANSFORMS.register_module()
class FarnebackFlow(BaseTransform):
    """Farneback flows between consecutive frames of a clip.

    For T frames, the forward flows go from frame i to i + 1 and the backward
    flows from frame i + 1 to i, for i = 0 .. T - 2, computed by its
    :class:`~mmstvsr.utils.flow.FlowProvider` (``provider``). Each flow has channels
    ``(u, v)``: x and y displacements in pixels. They are stored as tensors so
    that MMagic's ``PackInputs(data_keys=[forward_key, backward_key])`` keeps
    the leading dimension even when T - 1 == 1.

    Required keys: ``key`` (list of T >= 2 uint8 ``(h, w, 3)`` frames).
    Optional key: ``f'{key}_channel_order'`` ('bgr' if absent). Added keys:
    ``forward_key`` and ``backward_key`` (float32 ``(T - 1, 2, h, w)``
    ``torch.Tensor``).

    Args:
        key (str): Key of the frames. Default: 'img'.
        forward_key (str): Key to store the forward flows in.
            Default: 'flow_fwd'.
        backward_key (str): Key to store the backward flows in.
            Default: 'flow_bwd'.
        channel_order (str, optional): Read colour frames as 'bgr' or 'rgb'
            whatever order they were loaded in; None reads them in their own
            order (``f'{key}_channel_order'``), which is right. The STINet
            authors convert their RGB frames with ``COLOR_BGR2GRAY``
            (``dataset_STINet.py``): ``channel_order='bgr'`` on frames loaded
            as RGB gives their flows. Default: None.
    """

    #: Name of the flow function in :data:`mmstvsr.utils.flow.FLOW_METHODS`.
    method = 'farneback'

    def __init__(self, key='img', forward_key='flow_fwd',
                 backward_key='flow_bwd', channel_order=None):
        super().__init__()
        self.key = key
        self.forward_key = forward_key
        self.backward_key = backward_key
        self.channel_order = channel_order
        #: The flow computation, shared with the inferencer and the networks.
        self.provider = FlowProvider(self.method, channel_order)

    def transform(self, results):
        """Add the forward and backward flows of ``results[key]``.

        Args:
            results (dict): Data with a list of frames at ``key``.

        Returns:
            dict: ``results`` with the two flow tensors added.
        """
        frames = results[self.key]
        if not isinstance(frames, (list, tuple)):
            raise TypeError(f'results[{self.key!r}] must be a list of frames, '
                            f'got {type(frames).__name__}')
        if len(frames) < 2:
            raise ValueError(
                f'FarnebackFlow needs at least 2 frames at '
                f'results[{self.key!r}], got {len(frames)}')
        order = results.get(f'{self.key}_channel_order', 'bgr')
        results[self.forward_key], results[self.backward_key] = self.provider(frames, order)
        return results

    def __repr__(self):
        return (f'{self.__class__.__name__}(key={self.key!r}, '
                f'forward_key={self.forward_key!r}, '
                f'backward_key={self.backward_key!r}, '
                f'channel_order={self.channel_order!r})')


@TRANSFORMS.register_module()
class PyflowFlow(FarnebackFlow):
    """:class:`FarnebackFlow` with Ce Liu's coarse-to-fine flow, as the STARnet authors compute it.

    The flows of :func:`mmstvsr.utils.flow.pyflow_flow` (the authors' ``get_flow``, in pixels; the
    model clips and scales them). It needs the optional ``pyflow`` extension and says how to
    install it when it is missing; :class:`FarnebackFlow` is the substitute. Keys and arguments
    as :class:`FarnebackFlow`.
    """

    method = 'pyflow'


@TRANSFORMS.register_module()
class InBetweenFlows(BaseTransform):
    """Flows through the ground-truth in-between frames: the target of STARnet's flow loss.

    For neighbouring inputs ``a``, ``b`` and the frame ``m`` halfway between them, brought to the
    inputs' size by the same MATLAB bicubic as the inputs, the targets are
    ``F(a -> m) + F(m -> b)`` (forward) and ``F(b -> m) + F(m -> a)`` (backward), Farneback flows
    as :class:`FarnebackFlow` (Eq. 15: ``F_t->t+n + F_t+n->t+1``). The authors clip and scale each
    of the two flows before adding them; the model scales the sum, which differs only where a
    flow exceeds the clipping bound (150 pixels).

    Run it after cropping and flipping, as :class:`FarnebackFlow`.

    Required keys: ``lr_key`` (T uint8 LR frames), ``gt_key`` (2T - 1 HR frames: inputs and
    midpoints), ``'scale'`` (set by :class:`MATLABBicubicDownsample`; 1 if absent). Optional key:
    ``f'{lr_key}_channel_order'``. Added keys: ``forward_key`` and ``backward_key`` (float32
    ``(T - 1, 2, h, w)`` tensors, pixels).

    Args:
        lr_key (str): Key of the input frames. Default: 'img'.
        gt_key (str): Key of the ground-truth frames. Default: 'gt'.
        forward_key (str): Key of the forward targets. Default: 'flow_fwd_gt'.
        backward_key (str): Key of the backward targets. Default: 'flow_bwd_gt'.
        method (str): Flow function, a name in :data:`mmstvsr.utils.flow.FLOW_METHODS`
            ('pyflow' as the STARnet authors). Default: 'farneback'.
    """

    def __init__(self, lr_key='img', gt_key='gt', forward_key='flow_fwd_gt',
                 backward_key='flow_bwd_gt', method='farneback'):
        super().__init__()
        self.provider = FlowProvider(method)
        self.method = method
        self.lr_key = lr_key
        self.gt_key = gt_key
        self.forward_key = forward_key
        self.backward_key = backward_key

    def transform(self, results):
        """Add the forward and backward target flows.

        Args:
            results (dict): Data with the input and ground-truth frames.

        Returns:
            dict: ``results`` with the two flow tensors added.
        """
        lrs, gts = results[self.lr_key], results[self.gt_key]
        if len(lrs) < 2 or len(gts) != 2 * len(lrs) - 1:
            raise ValueError(
                f'InBetweenFlows needs T >= 2 inputs at results[{self.lr_key!r}] and the 2T - 1 '
                f'frames of one midpoint per gap at results[{self.gt_key!r}]; got {len(lrs)} and '
                f'{len(gts)}. Use it with times=(0.5,) data (e.g. Vimeo-90K triplets).')
        scale = results.get('scale', 1)
        order = results.get(f'{self.lr_key}_channel_order', 'bgr')
        forward, backward = [], []
        for i in range(len(lrs) - 1):
            mid = gts[2 * i + 1] if scale == 1 else imresize_matlab(gts[2 * i + 1], 1 / scale)
            # a -> mid, mid -> b and back: b -> mid, mid -> a
            fwd, bwd = self.provider([lrs[i], mid, lrs[i + 1]], order)
            forward.append(fwd[0] + fwd[1])
            backward.append(bwd[1] + bwd[0])
        results[self.forward_key] = torch.stack(forward)
        results[self.backward_key] = torch.stack(backward)
        return results

    def __repr__(self):
        return (f'{self.__class__.__name__}(lr_key={self.lr_key!r}, gt_key={self.gt_key!r}, '
                f'forward_key={self.forward_key!r}, backward_key={self.backward_key!r}, '
                f'method={self.method!r})')
