"""The RoI head of src/model/heads.ts: 1x1 reduce conv + ReLU on the tap, torchvision's roi_pool at 1/stride,
fc6 -> ReLU -> dropout, fc7 -> ReLU -> dropout, cls_score and bbox_pred.

Weights keep the page's names and layouts ('<layer>/kernel' [in, out], '<layer>/bias' [out], a factored layer
'<layer>/left' [in, l] and '<layer>/right' [l, out]), so they save to and load from model.json unchanged. The pooled
RoIs are flattened in NHWC order (ph, pw, c), the order fc6's rows were trained in on the page.
"""
from __future__ import annotations

import math
from typing import Dict, Iterable, List, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import nn
from torchvision.ops import roi_pool

INIT_STD = {'cls_score': 0.01, 'bbox_pred': 0.001}


def layer_plan(head: dict, in_channels: int, num_classes: int) -> List[Tuple[str, int, int, float]]:
    """(name, fan_in, fan_out, initial std) in order, as heads.ts layerPlan."""
    pooled = head['reduceChannels'] or in_channels
    d = head['pooledHeight'] * head['pooledWidth'] * pooled
    plan = []
    if head['reduceChannels'] is not None:
        plan.append(('reduce', in_channels, head['reduceChannels'], math.sqrt(2 / in_channels)))
    plan.append(('fc6', d, head['fc6'], math.sqrt(2 / d)))
    plan.append(('fc7', head['fc6'], head['fc7'], math.sqrt(2 / head['fc6'])))
    plan.append(('cls_score', head['fc7'], num_classes + 1, INIT_STD['cls_score']))
    plan.append(('bbox_pred', head['fc7'], 4 * (num_classes + 1), INIT_STD['bbox_pred']))
    return plan


def expected_shapes(head: dict, in_channels: int, num_classes: int) -> Dict[str, Tuple[int, ...]]:
    ranks = {'fc6': head.get('fc6Rank'), 'fc7': head.get('fc7Rank')}
    shapes: Dict[str, Tuple[int, ...]] = {}
    for name, fan_in, fan_out, _ in layer_plan(head, in_channels, num_classes):
        rank = ranks.get(name)
        if rank is None:
            shapes[f'{name}/kernel'] = (fan_in, fan_out)
        else:
            shapes[f'{name}/left'] = (fan_in, rank)
            shapes[f'{name}/right'] = (rank, fan_out)
        shapes[f'{name}/bias'] = (fan_out,)
    return shapes


class RoiHead(nn.Module):
    def __init__(self, head: dict, in_channels: int, num_classes: int, weights: Optional[Dict[str, torch.Tensor]] = None,
                 seed: int = 3):
        super().__init__()
        self.config = dict(head)
        self.in_channels = in_channels
        self.num_classes = num_classes
        expected = expected_shapes(head, in_channels, num_classes)
        self.names = list(expected)
        self.params = nn.ParameterDict()
        if weights is None:
            if head.get('fc6Rank') is not None or head.get('fc7Rank') is not None:
                raise ValueError('a new head is dense: fc6Rank = fc7Rank = null (factor it after training)')
            gen = torch.Generator().manual_seed(seed)
            weights = {}
            for name, fan_in, fan_out, std in layer_plan(head, in_channels, num_classes):
                weights[f'{name}/kernel'] = torch.randn(fan_in, fan_out, generator=gen) * std
                weights[f'{name}/bias'] = torch.zeros(fan_out)
        given = sorted(weights)
        if given != sorted(expected):
            raise ValueError(f"head weights {', '.join(given)} do not match the config ({', '.join(expected)})")
        for name in self.names:
            value = weights[name]
            if tuple(value.shape) != expected[name]:
                raise ValueError(f'head weight {name}: shape {tuple(value.shape)}, expected {expected[name]}')
            self.params[_key(name)] = nn.Parameter(value.detach().clone().float())

    def weight(self, name: str) -> nn.Parameter:
        return self.params[_key(name)]

    def named_weights(self) -> Iterable[Tuple[str, nn.Parameter]]:
        return [(name, self.weight(name)) for name in self.names]

    def reduce(self, features: torch.Tensor) -> torch.Tensor:
        """[N, C, H, W] tap -> [N, C', H, W]: the 1x1 conv as a matrix product over pixels, then ReLU."""
        if self.config['reduceChannels'] is None:
            return features
        kernel = self.weight('reduce/kernel')
        y = torch.einsum('nchw,co->nohw', features, kernel) + self.weight('reduce/bias').view(1, -1, 1, 1)
        return F.relu(y)

    def pool(self, reduced: torch.Tensor, rois: torch.Tensor, spatial_scale: float) -> torch.Tensor:
        """rois [R, 5] (map index, x1, y1, x2, y2) in scaled-image pixels -> [R, PH·PW·C'] in (ph, pw, c) order."""
        size = (self.config['pooledHeight'], self.config['pooledWidth'])
        pooled = roi_pool(reduced, rois, size, spatial_scale)
        return pooled.permute(0, 2, 3, 1).reshape(pooled.shape[0], -1)

    def classify(self, flat: torch.Tensor, training: bool = False) -> Tuple[torch.Tensor, torch.Tensor]:
        rate = self.config['dropoutRate'] if training else 0.0
        x = flat
        for layer in ('fc6', 'fc7'):
            x = F.relu(self._dense(x, layer))
            if rate > 0:
                x = F.dropout(x, rate, training=True)
        return self._dense(x, 'cls_score'), self._dense(x, 'bbox_pred')

    def forward(self, tap: torch.Tensor, rois: torch.Tensor, spatial_scale: float, training: bool = False):
        return self.classify(self.pool(self.reduce(tap), rois, spatial_scale), training)

    def _dense(self, x: torch.Tensor, layer: str) -> torch.Tensor:
        bias = self.weight(f'{layer}/bias')
        if f'{layer}/kernel' in self.names:
            return x @ self.weight(f'{layer}/kernel') + bias
        return (x @ self.weight(f'{layer}/left')) @ self.weight(f'{layer}/right') + bias


def _key(name: str) -> str:
    return name.replace('/', '__')


def truncated_svd(kernel: torch.Tensor, rank: int) -> Tuple[torch.Tensor, torch.Tensor, float]:
    """left [in, l] = U_l·S_l, right [l, out] = V_lᵀ (paper §3.1; svd.ts gives the same product)."""
    w = kernel.detach().double()
    u, s, vh = torch.linalg.svd(w, full_matrices=False)
    left = (u[:, :rank] * s[:rank]).float()
    right = vh[:rank].float()
    error = float(torch.sqrt((s[rank:] ** 2).sum() / (s ** 2).sum()))
    return left, right, error
