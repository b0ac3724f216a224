"""STINet's motion consistency loss (MCL), with a differentiable flow estimator."""
from typing import Dict, List, Optional, Tuple, Union

import torch
from mmagic.registry import MODELS
from mmengine.model import BaseModule

Pair = Tuple[int, int]
FlowDict = Dict[Pair, torch.Tensor]


def absolute_pairs(num_frames: int, pairs: str) -> List[Pair]:
    """Ordered frame pairs ``(t, p)``, ``t != p``, of the absolute term (0-based indices).

    Args:
        num_frames (int): Number of frames ``T``.
        pairs (str): 'all': every ordered pair, ``T(T-1)`` of them (paper Eq. 2); 'adjacent':
            neighbours only, ``(t, t+1)`` and ``(t+1, t)``, ``2(T-1)`` of them (Table 5,
            "l_abs-AJ").

    Returns:
        list[tuple[int, int]]: The pairs, sorted.
    """
    max_gap = 1 if pairs == 'adjacent' else num_frames
    return [(t, p) for t in range(num_frames) for p in range(num_frames)
            if t != p and abs(t - p) <= max_gap]


def relative_triplets(num_frames: int) -> List[Tuple[Pair, Pair]]:
    """Flow pairs of the relative term: ``((t-1, t), (t-1, t+1))`` for ``t = 1 .. T-2`` (0-based).

    Args:
        num_frames (int): Number of frames ``T``.

    Returns:
        list[tuple[tuple[int, int], tuple[int, int]]]: One entry per middle frame ``t``.
    """
    return [((t - 1, t), (t - 1, t + 1)) for t in range(1, num_frames - 1)]


@MODELS.register_module()
class MotionConsistencyLoss(BaseModule):
    r"""Motion consistency loss of STINet (paper Sec. 3.6, Eq. 2 and 3; ablations of Table 5).

    Paper: Spatial-Temporal Feature Interaction Network for Space-Time Video Super-Resolution
    (STINet).

    Optical flows ``O_{t->p}`` from frame ``t`` to frame ``p`` are estimated between predicted
    frames (``O^pred``) and between ground-truth frames (``O^gt``) by ``flow_estimator``. Frame
    indices are 0-based, ``T`` frames, ``B`` clips, flows ``(B, 2, H, W)``. The loss is

    .. math::
        l_{mcl} = w_{loss} (w_{abs} \, l_{abs} + w_{rel} \, l_{rel}).

    **Absolute term** (Eq. 2, with ``pairs='all'`` and ``abs_norm='l2'``): squared error between
    predicted and GT flows of every ordered pair ``(t, p)``, ``t != p``:

    .. math::
        l_{abs} = \operatorname{mean}_{(t, p) \in P, b, j, i}
            \left( O^{pred}_{t \to p} - O^{gt}_{t \to p} \right)^2,

    ``P`` the ``T(T-1)`` ordered pairs (:func:`absolute_pairs`); ``pairs='adjacent'`` keeps the
    ``2(T-1)`` pairs with ``|t - p| = 1`` ("l_abs-AJ", the flow loss of the methods the paper
    compares with, a special case of Eq. 2); ``abs_norm='l1'`` takes the absolute instead of the
    squared error ("l_abs-L1").

    **Relative term** (Eq. 3, ``rel_mode='hinge'``): objects move on over a short time, so the
    motion from ``t-1`` to ``t+1`` should be larger than, and in the same direction as, the one
    from ``t-1`` to ``t``. Per pixel ``i`` and channel ``j`` (x or y):

    .. math::
        l_{rel} = \operatorname{mean}_{t = 1}^{T-2} \operatorname{mean}_{b, j, i}
            \max\left( \operatorname{sgn}(O^{pred}_{t-1 \to t})
            \left( O^{pred}_{t-1 \to t} - O^{pred}_{t-1 \to t+1} \right), 0 \right),

    zero when ``O^pred_{t-1->t+1}`` has the sign of ``O^pred_{t-1->t}`` and at least its
    magnitude (the "weak constraint"; ``sgn`` has no gradient, the difference has). It uses
    predicted flows only.

    **Strong constraint** (``rel_mode='strong'``, Table 5 "l_rel-SC"): the paper's text says it
    "optimize[s] upon the exact difference between O^pred_{t-1->t} - O^pred_{t-1->t+1} and
    O^gt_{t-1->t} - O^gt_{t-1->t+1}". We read it as the squared error (the paper's distance of
    Eq. 2) between these two differences, replacing the hinge:

    .. math::
        l_{rel}^{SC} = \operatorname{mean}_{t = 1}^{T-2} \operatorname{mean}_{b, j, i}
            \left( (O^{pred}_{t-1 \to t} - O^{pred}_{t-1 \to t+1})
            - (O^{gt}_{t-1 \to t} - O^{gt}_{t-1 \to t+1}) \right)^2.

    The paper writes Eq. 2 and 3 as sums; we average (as MMagic's losses do) so that weights do not
    depend on the clip length or size: the authors' code averages ``l_abs`` (``nn.MSELoss``, over
    ``T^2`` pairs including ``t = p``), and sums the hinge over pixels, divided by 10. Their code
    computes flows with OpenCV Farneback in numpy, so MCL gives them no gradient; here the flows of
    the predictions are differentiable (:class:`HornSchunckFlow` by default) and the GT flows are
    computed without gradient, so gradients reach ``pred`` only.

    All flows of the predictions are computed in one estimator call (all pairs batched), and the GT
    flows in another one. GT flows may be given instead (``gt_flows`` of :meth:`forward`); they
    must come from the same estimator as the predicted ones (else ``l_abs`` is not zero when
    ``pred == gt``), for instance computed once per clip and cached. Backpropagating through the
    unrolled iterations of :class:`HornSchunckFlow` keeps its intermediate maps: about 1 GiB for
    ``B = 4``, ``T = 7`` (42 pairs) at 64x64 with the defaults, growing with ``B T (T-1) H W``.

    Args:
        flow_estimator (dict): Config of the flow estimator, built from ``MODELS``; it takes two
            batches ``(N, 3, H, W)`` and returns flows ``(N, 2, H, W)``.
            Default: ``dict(type='HornSchunckFlow')``.
        abs_weight (float): Weight of ``l_abs``; 0 removes it ("w/o l_abs"). Default: 1.0.
        rel_weight (float): Weight of ``l_rel``; 0 removes it ("w/o l_rel"). Default: 1.0.
        pairs (str): Pairs of ``l_abs``: 'all' or 'adjacent'. Default: 'all'.
        abs_norm (str): Distance of ``l_abs``: 'l2' (squared error) or 'l1'. Default: 'l2'.
        rel_mode (str): ``l_rel``: 'hinge' (Eq. 3) or 'strong' (strong constraint).
            Default: 'hinge'.
        loss_weight (float): Weight of the whole loss, ``lambda_2`` of Eq. 4. Default: 0.1.
        init_cfg (dict, optional): MMEngine initialisation config. Default: None.
    """

    def __init__(self,
                 flow_estimator: dict = dict(type='HornSchunckFlow'),
                 abs_weight: float = 1.0,
                 rel_weight: float = 1.0,
                 pairs: str = 'all',
                 abs_norm: str = 'l2',
                 rel_mode: str = 'hinge',
                 loss_weight: float = 0.1,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg)
        for name, value, choices in (('pairs', pairs, ('all', 'adjacent')),
                                     ('abs_norm', abs_norm, ('l2', 'l1')),
                                     ('rel_mode', rel_mode, ('hinge', 'strong'))):
            if value not in choices:
                raise ValueError(f'MotionConsistencyLoss: {name} must be one of {choices}, '
                                 f'got {value!r}.')
        if abs_weight < 0 or rel_weight < 0 or abs_weight + rel_weight == 0:
            raise ValueError('MotionConsistencyLoss needs abs_weight, rel_weight >= 0, not both 0, '
                             f'got {abs_weight} and {rel_weight}.')
        self.flow_estimator = MODELS.build(flow_estimator)
        self.abs_weight = abs_weight
        self.rel_weight = rel_weight
        self.pairs = pairs
        self.abs_norm = abs_norm
        self.rel_mode = rel_mode
        self.loss_weight = loss_weight

    def forward(self,
                pred: torch.Tensor,
                gt: torch.Tensor,
                gt_flows: Optional[Union[FlowDict, torch.Tensor]] = None) -> torch.Tensor:
        """Compute the loss.

        Args:
            pred (Tensor): Predicted frames ``(B, T, 3, H, W)``, RGB in [0, 1].
            gt (Tensor): Ground-truth frames ``(B, T, 3, H, W)``; no gradient flows into them.
            gt_flows (dict | Tensor, optional): Precomputed GT flows, used instead of estimating
                them: a dict ``{(t, p): (B, 2, H, W)}``, or a tensor ``(B, T, T, 2, H, W)`` whose
                ``[:, t, p]`` is the flow from frame ``t`` to frame ``p`` (0-based; the diagonal
                is not read). Only the pairs the loss uses are needed in a dict (see
                :meth:`gt_pairs`). They are detached. Default: None (estimated from ``gt``
                without gradient).

        Returns:
            Tensor: Scalar loss.
        """
        if pred.dim() != 5 or pred.shape[2] != 3 or pred.shape != gt.shape:
            raise ValueError('MotionConsistencyLoss takes pred and gt (B, T, 3, H, W) of the same '
                             f'shape, got {tuple(pred.shape)} and {tuple(gt.shape)}.')
        num_frames = pred.shape[1]
        if num_frames < 2 or (self.rel_weight > 0 and num_frames < 3):
            raise ValueError(f'MotionConsistencyLoss needs T >= 2 frames (T >= 3 with the '
                             f'relative term), got T = {num_frames}.')
        pred_flows = self.estimate_flows(pred, self.pred_pairs(num_frames))
        needed = self.gt_pairs(num_frames)
        if not needed:  # the hinge term alone reads no GT flow
            gt_flows = {}
        elif gt_flows is None:
            with torch.no_grad():
                gt_flows = self.estimate_flows(gt, needed)
        else:
            flow_shape = (pred.shape[0], 2, *pred.shape[-2:])
            gt_flows = _select_flows(gt_flows, needed, flow_shape)

        loss = 0
        if self.abs_weight > 0:
            loss = loss + self.abs_weight * self.absolute_term(pred_flows, gt_flows, num_frames)
        if self.rel_weight > 0:
            loss = loss + self.rel_weight * self.relative_term(pred_flows, gt_flows, num_frames)
        return self.loss_weight * loss

    def pred_pairs(self, num_frames: int) -> List[Pair]:
        """Ordered pairs ``(t, p)`` whose flows are estimated on the predictions (sorted)."""
        pairs = set()
        if self.abs_weight > 0:
            pairs.update(absolute_pairs(num_frames, self.pairs))
        if self.rel_weight > 0:
            pairs.update(pair for triplet in relative_triplets(num_frames) for pair in triplet)
        return sorted(pairs)

    def gt_pairs(self, num_frames: int) -> List[Pair]:
        """Ordered pairs ``(t, p)`` whose GT flows the loss reads (sorted)."""
        pairs = set()
        if self.abs_weight > 0:
            pairs.update(absolute_pairs(num_frames, self.pairs))
        if self.rel_weight > 0 and self.rel_mode == 'strong':
            pairs.update(pair for triplet in relative_triplets(num_frames) for pair in triplet)
        return sorted(pairs)

    def estimate_flows(self, frames: torch.Tensor, pairs: List[Pair]) -> FlowDict:
        """Flows between frames of a clip for the given pairs, in one estimator call.

        Frames are cast to float32 first: under mixed precision, a half-precision Horn-Schunck
        would lose its small gradients and residuals.

        Args:
            frames (Tensor): ``(B, T, 3, H, W)``.
            pairs (list[tuple[int, int]]): Ordered pairs ``(t, p)``.

        Returns:
            dict[tuple[int, int], Tensor]: Flow ``(B, 2, H, W)`` from frame ``t`` to frame ``p``
            for each pair.
        """
        frames = frames.float()
        b, _, c, h, w = frames.shape
        sources = frames[:, [t for t, _ in pairs]].transpose(0, 1).reshape(-1, c, h, w)
        targets = frames[:, [p for _, p in pairs]].transpose(0, 1).reshape(-1, c, h, w)
        flows = self.flow_estimator(sources, targets).view(len(pairs), b, 2, h, w)
        return dict(zip(pairs, flows))

    def absolute_term(self, pred_flows: FlowDict, gt_flows: FlowDict,
                      num_frames: int) -> torch.Tensor:
        """``l_abs`` (Eq. 2): mean L2 (or L1) error of the flows of :func:`absolute_pairs`.

        Args:
            pred_flows (dict): Predicted flows ``{(t, p): (B, 2, H, W)}``.
            gt_flows (dict): GT flows, same layout.
            num_frames (int): Number of frames ``T``.

        Returns:
            Tensor: Scalar.
        """
        pairs = absolute_pairs(num_frames, self.pairs)
        error = torch.stack([pred_flows[pair] - gt_flows[pair] for pair in pairs])
        return error.pow(2).mean() if self.abs_norm == 'l2' else error.abs().mean()

    def relative_term(self, pred_flows: FlowDict, gt_flows: FlowDict,
                      num_frames: int) -> torch.Tensor:
        """``l_rel``: the hinge of Eq. 3, or the strong constraint with ``rel_mode='strong'``.

        Args:
            pred_flows (dict): Predicted flows ``{(t, p): (B, 2, H, W)}``.
            gt_flows (dict): GT flows, same layout (read by the strong constraint only).
            num_frames (int): Number of frames ``T``.

        Returns:
            Tensor: Scalar.
        """
        triplets = relative_triplets(num_frames)
        near = torch.stack([pred_flows[short] for short, _ in triplets])  # O_{t-1 -> t}
        far = torch.stack([pred_flows[long] for _, long in triplets])  # O_{t-1 -> t+1}
        if self.rel_mode == 'hinge':
            return torch.relu(torch.sign(near) * (near - far)).mean()
        gt_difference = torch.stack([gt_flows[short] - gt_flows[long] for short, long in triplets])
        return ((near - far) - gt_difference).pow(2).mean()


def _select_flows(gt_flows: Union[FlowDict, torch.Tensor], pairs: List[Pair],
                  shape: Tuple[int, ...]) -> FlowDict:
    """Detached GT flows of ``pairs`` from a dict or a ``(B, T, T, 2, H, W)`` tensor.

    Args:
        gt_flows (dict | Tensor): ``{(t, p): (B, 2, H, W)}`` or ``(B, T, T, 2, H, W)``.
        pairs (list[tuple[int, int]]): Pairs to take.
        shape (tuple[int]): Expected shape ``(B, 2, H, W)`` of one flow.

    Returns:
        dict[tuple[int, int], Tensor]: ``{(t, p): (B, 2, H, W)}``.
    """
    if isinstance(gt_flows, torch.Tensor):
        if gt_flows.dim() != 6:
            raise ValueError('gt_flows as a tensor must be (B, T, T, 2, H, W), got '
                             f'{tuple(gt_flows.shape)}.')
        gt_flows = {(t, p): gt_flows[:, t, p] for t, p in pairs}
    missing = [pair for pair in pairs if pair not in gt_flows]
    if missing:
        raise KeyError(f'gt_flows lacks the flows of pairs {missing}.')
    for pair in pairs:
        if tuple(gt_flows[pair].shape) != shape:
            raise ValueError(f'gt_flows{pair} must be {tuple(shape)} like the predicted flows, '
                             f'got {tuple(gt_flows[pair].shape)}.')
    return {pair: gt_flows[pair].detach() for pair in pairs}
