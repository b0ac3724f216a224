"""Spatial-temporal global refinement (ST-GR) of STINet (paper section 3.4, Figure 5)."""
from typing import List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmagic.registry import MODELS

from mmstvsr.models.archs import ConvBlock, projection_kernel

COSINE_EPS = 1e-8  # torch.cosine_similarity's default


def _cosine_matrix(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Cosine similarity of every pair of vectors, as ``torch.cosine_similarity`` computes it.

    Args:
        x (Tensor): Vectors ``(B, M, D)``.
        y (Tensor): Vectors ``(B, N, D)``.

    Returns:
        Tensor: ``(B, M, N)``, entry ``[b, m, n]`` = cos(x[b, m], y[b, n]).
    """
    x = F.normalize(x, dim=-1, eps=COSINE_EPS)
    y = F.normalize(y, dim=-1, eps=COSINE_EPS)
    return torch.bmm(x, y.transpose(1, 2))


def _pixel_cosine_matrix(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Pixel-wise cosine similarity averaged over pixels, for every pair of feature maps.

    Args:
        x (Tensor): Feature maps ``(B, M, C, h, w)``.
        y (Tensor): Feature maps ``(B, N, C, h, w)``, same ``h, w`` as ``x``.

    Returns:
        Tensor: ``(B, M, N)``, entry ``[b, m, n]`` = mean over pixels p of
        cos(x[b, m, :, p], y[b, n, :, p]).
    """
    num_pixels = x.size(-1) * x.size(-2)
    x = F.normalize(x, dim=2, eps=COSINE_EPS).flatten(2)
    y = F.normalize(y, dim=2, eps=COSINE_EPS).flatten(2)
    return torch.bmm(x, y.transpose(1, 2)) / num_pixels


def _block_matrix(blocks: List[List[torch.Tensor]]) -> torch.Tensor:
    """Assemble a (batched) matrix from a square grid of blocks, rows of blocks first."""
    return torch.cat([torch.cat(row, dim=-1) for row in blocks], dim=-2)


def _levels(lr_feats: Optional[torch.Tensor],
            hr_feats: Optional[torch.Tensor]) -> List[torch.Tensor]:
    """The present feature levels in node order (HR first); at least one must be given."""
    if lr_feats is None and hr_feats is None:
        raise ValueError('STGR needs lr_feats or hr_feats (or both), got neither')
    return [feats for feats in (hr_feats, lr_feats) if feats is not None]


def _closeness(node_times: torch.Tensor) -> torch.Tensor:
    """E_T = 1 - sigmoid(|t1 - t2|) of every pair of nodes with times ``(B, N)``: ``(B, N, N)``."""
    return 1 - torch.sigmoid((node_times[:, :, None] - node_times[:, None, :]).abs())


class GraphSAGELayer(nn.Module):
    """One GraphSAGE layer with the GCN aggregator, on dense batched graphs.

    STINet's four GraphSAGE layers (section 3.4, ref. [44]) are DGL's
    ``SAGEConv(in, out, aggregator_type='gcn')``; this layer computes the same thing with a dense
    adjacency matrix and batched matmuls. For a destination node i with in-neighbours N(i) and
    edge weights e_ji (1 when absent):

        h_i' = W ((sum_{j in N(i)} e_ji * h_j + h_i) / (|N(i)| + 1)) + b

    As in DGL, the weight multiplies each message (``fn.u_mul_e``), the node's own feature always
    counts once unweighted, and the normaliser is the in-degree + 1 (the number of in-edges, not
    the sum of their weights). Without weights this is the mean over the node and its
    in-neighbours.

    The parameters are DGL's: ``fc_neigh`` (a bias-free ``nn.Linear``, Xavier-uniform with the ReLU
    gain) and a separate ``bias`` (zeros), ``in_channels * out_channels + out_channels`` in all.

    Args:
        in_channels (int): Input node feature channels.
        out_channels (int): Output node feature channels.
    """

    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        self.fc_neigh = nn.Linear(in_channels, out_channels, bias=False)
        self.bias = nn.Parameter(torch.zeros(out_channels))
        nn.init.xavier_uniform_(self.fc_neigh.weight, gain=nn.init.calculate_gain('relu'))

    def forward(self,
                feats: torch.Tensor,
                adjacency: torch.Tensor,
                edge_weight: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Aggregate each node's in-neighbourhood and project it.

        Args:
            feats (Tensor): Node features ``(B, N, C_in)``.
            adjacency (Tensor): Graph structure ``(N, N)`` or ``(B, N, N)``: 1 at ``[dst, src]``
                where the directed edge src -> dst exists, 0 elsewhere.
            edge_weight (Tensor, optional): Edge weights ``(B, N, N)`` at ``[dst, src]``, read
                only where ``adjacency`` is 1. Default: None (every edge weighs 1).

        Returns:
            Tensor: ``(B, N, C_out)``.
        """
        weights = adjacency if edge_weight is None else adjacency * edge_weight
        in_degree = adjacency.sum(dim=-1, keepdim=True)
        neigh = (torch.matmul(weights, feats) + feats) / (in_degree + 1)
        return self.fc_neigh(neigh) + self.bias


class BaseSTGR(nn.Module):
    """Spatial-temporal global refinement (paper section 3.4, Figure 5): what both graphs share.

    The LR and HR features of the T output frames become 2T graph nodes by global average
    pooling: HR frames are nodes 0..T-1, LR frames nodes T..2T-1 (the authors' order). Four
    GraphSAGE layers (``mid -> hidden -> hidden -> hidden -> mid``, ReLU between them, none after
    the last) turn node i into a vector g_i that modulates its own map: F' = F + 0.1 * F * g_i,
    g_i broadcast over pixels (the factor 0.1 is the authors').

    The two variants differ in the graph and in how the edge attributes enter it:
    :class:`STGR` (the paper's method) and :class:`OfficialSTGR` (the authors' released code).
    A variant implements :meth:`same_level_adjacency`, :meth:`lr_to_hr_adjacency`,
    :meth:`pixel_similarity`, :meth:`temporal_closeness` and :meth:`edge_weight`.

    Single level (Table 1 "STINet w/o HR" / "w/o LR": ST-GR "degraded to only work on LR features
    without LR-HR interaction"): either ``lr_feats`` or ``hr_feats`` may be None. The graph then
    has the T nodes of the present level only, with the variant's same-level edges and no
    counterpart edges. The missing level's output is None. Below, L is the number of present
    levels (1 or 2) and N = L*T the number of nodes.

    Edge attributes E = (E_F, E_P, E_T) (section 3.4, :meth:`edge_attributes`): E_F the cosine of
    the pooled node features; E_P the pixel-level similarity, with HR maps brought to LR size by
    ``hr_down`` when the two nodes differ in resolution; E_T = 1 - sigmoid(|t1 - t2|), which lies
    in (0, 0.5].

    ``hr_down`` is the authors' ``h_down_gcn`` (``ConvBlock``: conv + LeakyReLU(0.1), Kaiming-normal
    weights, zero bias) generalised to the scale s with DBPN's projection geometry: kernel s + 4,
    stride s, padding 2, i.e. (6, 2, 2) for x2, (8, 4, 2) for x4, (12, 8, 2) for x8, which maps
    ``s*h`` to ``h`` exactly. Both variants have it, so that the parameter count is the authors'
    (``SAG1..4`` + ``h_down_gcn``: 426,880 for ``mid_channels=64``).

    Args:
        mid_channels (int): Channels of the LR / HR features and of the nodes. Default: 64.
        hidden_channels (int, optional): Channels of the three hidden SAGE outputs.
            Default: None (``4 * mid_channels``, 256 as the authors').
        scale (int): Spatial scale s between HR and LR features: 2, 4 or 8. Default: 4.
    """

    modulation_weight = 0.1

    def __init__(self, mid_channels: int = 64, hidden_channels: Optional[int] = None,
                 scale: int = 4):
        super().__init__()
        hidden_channels = hidden_channels or 4 * mid_channels
        self.hr_down = ConvBlock(
            mid_channels, mid_channels, *projection_kernel(scale), act_type='lrelu')
        channels = (mid_channels, ) + (hidden_channels, ) * 3 + (mid_channels, )
        self.sage_layers = nn.ModuleList(
            GraphSAGELayer(c_in, c_out) for c_in, c_out in zip(channels[:-1], channels[1:]))

    def same_level_adjacency(self, num_frames: int) -> torch.Tensor:
        """Edges between the frames of one level: ``(T, T)``, 1 at ``[dst, src]``."""
        raise NotImplementedError

    def lr_to_hr_adjacency(self, num_frames: int) -> torch.Tensor:
        """Edges LR_i -> HR_j: ``(T, T)``, 1 at ``[dst, src]`` (HR_i -> LR_i exists always)."""
        raise NotImplementedError

    def adjacency(self, num_frames: int, num_levels: int = 2) -> torch.Tensor:
        """The graph's structure.

        Args:
            num_frames (int): Number of frames T.
            num_levels (int): Number of feature levels L: 2 (HR and LR) or 1 (only one of them,
                no counterpart edges). Default: 2.

        Returns:
            Tensor: ``(L*T, L*T)``, 1 at ``[dst, src]`` for every directed edge src -> dst, over
            the nodes HR_0..HR_{T-1}, LR_0..LR_{T-1} (or the T nodes of the single level).
        """
        same_level = self.same_level_adjacency(num_frames)
        if num_levels == 1:
            return same_level
        hr_to_lr = torch.eye(num_frames)
        return _block_matrix([[same_level, self.lr_to_hr_adjacency(num_frames)],
                              [hr_to_lr, same_level]])

    @staticmethod
    def pool(lr_feats: Optional[torch.Tensor], hr_feats: Optional[torch.Tensor]) -> torch.Tensor:
        """Node features: global average pooling, HR frames first.

        Args:
            lr_feats (Tensor, optional): LR features ``(B, T, C, h, w)``, or None.
            hr_feats (Tensor, optional): HR features ``(B, T, C, s*h, s*w)``, or None.

        Returns:
            Tensor: ``(B, N, C)``.
        """
        return torch.cat([feats.mean(dim=(3, 4)) for feats in _levels(lr_feats, hr_feats)], dim=1)

    def frame_similarity(self, nodes: torch.Tensor) -> torch.Tensor:
        """E_F: cosine similarity of the pooled node features (both variants).

        Args:
            nodes (Tensor): Node features ``(B, N, C)``.

        Returns:
            Tensor: ``(B, N, N)``.
        """
        return _cosine_matrix(nodes, nodes)

    def downsampled_levels(self, lr_feats: Optional[torch.Tensor],
                           hr_feats: Optional[torch.Tensor]) -> List[torch.Tensor]:
        """The present levels at LR size, HR first: HR maps through ``hr_down``, LR maps as is.

        Args:
            lr_feats (Tensor, optional): LR features ``(B, T, C, h, w)``, or None.
            hr_feats (Tensor, optional): HR features ``(B, T, C, s*h, s*w)``, or None.

        Returns:
            list[Tensor]: L maps ``(B, T, C, h, w)``.
        """
        levels = _levels(lr_feats, hr_feats)
        if hr_feats is not None:
            levels[0] = self.hr_down(hr_feats.flatten(0, 1)).unflatten(0, hr_feats.shape[:2])
        return levels

    def pixel_similarity(self, lr_feats: Optional[torch.Tensor],
                         hr_feats: Optional[torch.Tensor]) -> torch.Tensor:
        """E_P: pixel-level similarity of the nodes' feature maps.

        Args:
            lr_feats (Tensor, optional): LR features ``(B, T, C, h, w)``, or None.
            hr_feats (Tensor, optional): HR features ``(B, T, C, s*h, s*w)``, or None.

        Returns:
            Tensor: ``(B, N, N)``.
        """
        raise NotImplementedError

    def temporal_closeness(self, times: torch.Tensor, num_levels: int = 2) -> torch.Tensor:
        """E_T = 1 - sigmoid(|t1 - t2|) of every pair of nodes.

        Args:
            times (Tensor): Frame time stamps ``(B, T)``.
            num_levels (int): Number of feature levels L (2, or 1 for one level). Default: 2.

        Returns:
            Tensor: ``(B, N, N)``.
        """
        raise NotImplementedError

    def edge_attributes(self, lr_feats: Optional[torch.Tensor], hr_feats: Optional[torch.Tensor],
                        times: torch.Tensor) -> torch.Tensor:
        """The edge attributes E = (E_F, E_P, E_T) of every ordered pair of nodes.

        Args:
            lr_feats (Tensor, optional): LR features ``(B, T, C, h, w)``, or None.
            hr_feats (Tensor, optional): HR features ``(B, T, C, s*h, s*w)``, or None.
            times (Tensor): Frame time stamps ``(B, T)``.

        Returns:
            Tensor: ``(B, 3, N, N)``; channel k at ``[dst, src]`` is the k-th attribute of the
            pair, meaningful where :meth:`adjacency` has an edge. All three are symmetric.
        """
        nodes = self.pool(lr_feats, hr_feats)
        return torch.stack([
            self.frame_similarity(nodes),
            self.pixel_similarity(lr_feats, hr_feats),
            self.temporal_closeness(times, len(_levels(lr_feats, hr_feats)))
        ], dim=1)

    def edge_weight(self, lr_feats: Optional[torch.Tensor], hr_feats: Optional[torch.Tensor],
                    times: Union[torch.Tensor, Sequence[float]]) -> Optional[torch.Tensor]:
        """The weights of the messages in every SAGE layer.

        Args:
            lr_feats (Tensor, optional): LR features ``(B, T, C, h, w)``, or None.
            hr_feats (Tensor, optional): HR features ``(B, T, C, s*h, s*w)``, or None.
            times (Tensor | Sequence[float]): Frame time stamps, ``(T,)`` or ``(B, T)``.

        Returns:
            Tensor or None: ``(B, N, N)`` at ``[dst, src]``, or None for an unweighted graph.
        """
        raise NotImplementedError

    def forward(self, lr_feats: Optional[torch.Tensor], hr_feats: Optional[torch.Tensor],
                times: Union[torch.Tensor, Sequence[float]]
                ) -> Tuple[Optional[torch.Tensor], Optional[torch.Tensor]]:
        """Refine the LR and HR feature sequences over the whole sequence.

        Args:
            lr_feats (Tensor, optional): LR features ``(B, T, C, h, w)``, or None to refine the
                HR features alone ("STINet w/o LR").
            hr_feats (Tensor, optional): HR features ``(B, T, C, s*h, s*w)``, or None to refine
                the LR features alone ("STINet w/o HR").
            times (Tensor | Sequence[float]): Time stamps of the T frames, ``(T,)`` or ``(B, T)``,
                in input-frame units (e.g. 0, 0.5, 1, ... for x2 in time).

        Returns:
            tuple[Tensor | None, Tensor | None]: Refined LR features ``(B, T, C, h, w)`` and HR
            features ``(B, T, C, s*h, s*w)`` (the paper's LG and HG); None for a missing level.

        Raises:
            ValueError: If both ``lr_feats`` and ``hr_feats`` are None.
        """
        levels = _levels(lr_feats, hr_feats)
        num_frames = levels[0].size(1)
        nodes = self.pool(lr_feats, hr_feats)
        adjacency = self.adjacency(num_frames, len(levels)).to(nodes)
        edge_weight = self.edge_weight(lr_feats, hr_feats, times)

        modulation = self.sage_layers[0](nodes, adjacency, edge_weight)
        for layer in self.sage_layers[1:]:
            modulation = layer(F.relu(modulation), adjacency, edge_weight)

        # one (B, T, C, 1, 1) per level, HR first
        modulation = iter(modulation[..., None, None].split(num_frames, dim=1))
        hr_out = None if hr_feats is None else self._modulate(hr_feats, next(modulation))
        lr_out = None if lr_feats is None else self._modulate(lr_feats, next(modulation))
        return lr_out, hr_out

    def _modulate(self, feats: torch.Tensor, modulation: torch.Tensor) -> torch.Tensor:
        """F' = F + 0.1 * F * g, g ``(B, T, C, 1, 1)`` broadcast over pixels."""
        return feats + self.modulation_weight * feats * modulation


@MODELS.register_module()
class STGR(BaseSTGR):
    """ST-GR as the paper describes it (section 3.4): an undirected graph weighted by E.

    Every edge exists in both directions: every pair of frames inside the HR level and inside the
    LR level, and HR_i <-> LR_i. The edge attributes weight the messages in every SAGE layer
    (:meth:`edge_weight`). With a single level, E_P compares maps of that level at its own
    resolution (``hr_down`` is not used).

    Gradients: the authors build the attributes as a new tensor (``torch.tensor(sim)``), which
    detaches them. ``detach_attributes=True`` (default) does the same: the edge weights carry no
    gradient, so ``hr_down`` receives none and stays at its initialisation (with DDP this needs
    ``find_unused_parameters=True``). ``detach_attributes=False`` back-propagates through the
    weights into the features and ``hr_down``.

    Args:
        mid_channels (int): Channels of the LR / HR features and of the nodes. Default: 64.
        hidden_channels (int, optional): Channels of the three hidden SAGE outputs.
            Default: None (``4 * mid_channels``).
        scale (int): Spatial scale s between HR and LR features: 2, 4 or 8. Default: 4.
        use_frame_similarity (bool): Use E_F in the edge weights (Table 4 "w/o E_F" when
            False). Default: True.
        use_pixel_similarity (bool): Use E_P in the edge weights (Table 4 "w/o E_P").
            Default: True.
        use_temporal_closeness (bool): Use E_T in the edge weights (Table 4 "w/o E_T").
            Default: True.
        detach_attributes (bool): Compute the edge attributes without gradient, as the authors.
            Default: True.
    """

    def __init__(self,
                 mid_channels: int = 64,
                 hidden_channels: Optional[int] = None,
                 scale: int = 4,
                 use_frame_similarity: bool = True,
                 use_pixel_similarity: bool = True,
                 use_temporal_closeness: bool = True,
                 detach_attributes: bool = True):
        super().__init__(mid_channels, hidden_channels, scale)
        self.use_frame_similarity = use_frame_similarity
        self.use_pixel_similarity = use_pixel_similarity
        self.use_temporal_closeness = use_temporal_closeness
        self.detach_attributes = detach_attributes

    def same_level_adjacency(self, num_frames: int) -> torch.Tensor:
        """Every pair of distinct frames, both directions."""
        return torch.ones(num_frames, num_frames) - torch.eye(num_frames)

    def lr_to_hr_adjacency(self, num_frames: int) -> torch.Tensor:
        """LR_i -> HR_i: with HR_i -> LR_i, the counterpart edge in both directions."""
        return torch.eye(num_frames)

    def pixel_similarity(self, lr_feats: Optional[torch.Tensor],
                         hr_feats: Optional[torch.Tensor]) -> torch.Tensor:
        """E_P: the mean over pixels of the pixel-wise cosine (over channels) of the two maps.

        HR maps go through ``hr_down`` only when compared with an LR map (never with one level).
        Shapes as :meth:`BaseSTGR.pixel_similarity`.
        """
        levels = _levels(lr_feats, hr_feats)
        down = self.downsampled_levels(lr_feats, hr_feats) if len(levels) > 1 else levels
        blocks = [[None] * len(levels) for _ in levels]
        for i in range(len(levels)):
            blocks[i][i] = _pixel_cosine_matrix(levels[i], levels[i])
            for j in range(i + 1, len(levels)):
                blocks[i][j] = _pixel_cosine_matrix(down[i], down[j])
                blocks[j][i] = blocks[i][j].transpose(1, 2)
        return _block_matrix(blocks)

    def temporal_closeness(self, times: torch.Tensor, num_levels: int = 2) -> torch.Tensor:
        """E_T with t the frame's time stamp, the same for HR_i and LR_i (whose E_T is 0.5).

        Shapes as :meth:`BaseSTGR.temporal_closeness`.
        """
        return _closeness(torch.cat([times] * num_levels, dim=1))

    def edge_weight(self, lr_feats: Optional[torch.Tensor], hr_feats: Optional[torch.Tensor],
                    times: Union[torch.Tensor, Sequence[float]]) -> Optional[torch.Tensor]:
        """The mean of the used edge attributes.

        The paper does not say how the triplet becomes one weight; the mean keeps its reading
        that nodes "either visually similar or temporally close" exchange more (a product would
        need both). Leaving out an attribute (``use_*=False``) removes it from the mean; with all
        three left out the graph is unweighted (None). Shapes as :meth:`BaseSTGR.edge_weight`.
        """
        levels = _levels(lr_feats, hr_feats)
        times = torch.as_tensor(times, dtype=levels[0].dtype,
                                device=levels[0].device).expand(levels[0].shape[:2])
        with torch.set_grad_enabled(torch.is_grad_enabled() and not self.detach_attributes):
            attributes = []
            if self.use_frame_similarity:
                attributes.append(self.frame_similarity(self.pool(lr_feats, hr_feats)))
            if self.use_pixel_similarity:
                attributes.append(self.pixel_similarity(lr_feats, hr_feats))
            if self.use_temporal_closeness:
                attributes.append(self.temporal_closeness(times, len(levels)))
            return torch.stack(attributes).mean(dim=0) if attributes else None


@MODELS.register_module()
class OfficialSTGR(BaseSTGR):
    """ST-GR as the authors' released code computes it: a directed, unweighted graph.

    The authors' directed edge list generalised to any T: HR_i -> HR_j and LR_i -> LR_j for
    i < j, and HR_i -> LR_i (49 edges for T = 7). The authors compute the edge attributes but
    never pass them to the SAGE layers, so they cannot change the output: :meth:`forward` skips
    them and ignores ``times``, and :meth:`edge_attributes` reproduces the authors' values
    (E_P of every HR map through ``hr_down``, E_T of node indices). ``hr_down`` therefore gets no
    gradient (with DDP this needs ``find_unused_parameters=True``).

    Args:
        mid_channels (int): Channels of the LR / HR features and of the nodes. Default: 64.
        hidden_channels (int, optional): Channels of the three hidden SAGE outputs.
            Default: None (``4 * mid_channels``, 256 as the authors').
        scale (int): Spatial scale s between HR and LR features: 2, 4 or 8. Default: 4.
    """

    def same_level_adjacency(self, num_frames: int) -> torch.Tensor:
        """Frame i -> frame j for i < j."""
        return torch.ones(num_frames, num_frames).tril(-1)

    def lr_to_hr_adjacency(self, num_frames: int) -> torch.Tensor:
        """None: the counterpart edge goes HR_i -> LR_i only."""
        return torch.zeros(num_frames, num_frames)

    def pixel_similarity(self, lr_feats: Optional[torch.Tensor],
                         hr_feats: Optional[torch.Tensor]) -> torch.Tensor:
        """E_P as the authors compute it: every HR map goes through ``hr_down``, and E_P is the
        cosine of the two whole maps flattened to ``C*h*w`` vectors.

        Shapes as :meth:`BaseSTGR.pixel_similarity`.
        """
        maps = torch.cat(self.downsampled_levels(lr_feats, hr_feats), dim=1).flatten(2)
        return _cosine_matrix(maps, maps)

    def temporal_closeness(self, times: torch.Tensor, num_levels: int = 2) -> torch.Tensor:
        """E_T as the authors compute it: t is the node index 0..N-1, so HR_i and LR_i are T
        apart (of ``times`` only the shape, dtype and device count).

        Shapes as :meth:`BaseSTGR.temporal_closeness`.
        """
        node_times = torch.arange(
            num_levels * times.size(1), dtype=times.dtype, device=times.device)
        return _closeness(node_times.expand(times.size(0), -1))

    def edge_weight(self, lr_feats: Optional[torch.Tensor], hr_feats: Optional[torch.Tensor],
                    times: Union[torch.Tensor, Sequence[float]]) -> None:
        """None: the authors' SAGE layers are unweighted."""
        return None
