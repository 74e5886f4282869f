"""The pretrained MobileNetV3 prefix up to our stride-16 tap, read from the served tfjs graph
(public/backbone/centernet.json + .bin) and executed by a small interpreter with torch ops: the same walk as
src/model/graph_interpreter.ts and src/model/backbone.ts.

Layouts: the graph is NHWC; this module runs NCHW internally. Images come in NHWC [N, H, W, 3] (RGB 0..255, the
graph's /255 is folded into its first conv) and are permuted once at the entrance; the tap leaves NCHW, which is
what torchvision's roi_pool reads. Conv weights stay in the graph's own layout ([kh, kw, in, out], depthwise
[kh, kw, in, mult]) as parameters, so a trained weight is saved under its graph name exactly as the page stores it,
and are permuted to torch's layout at each use. TF 'SAME' padding puts the odd pixel at the bottom/right.
"""
from __future__ import annotations

import base64
import math
import re
from typing import Dict, List, Optional, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from .tfjs_io import read_manifest_weights

DEFAULT_TAP = 'tower_0/MobilenetV3/expanded_conv_12/expand/hard_swish/mul_1'
DEFAULT_INPUT = 'tower_0/images'
CONV_OPS = {'_FusedConv2D', 'FusedDepthwiseConv2dNative', 'Conv2D', 'DepthwiseConv2dNative'}
SUPPORTED = CONV_OPS | {'BiasAdd', 'Add', 'AddV2', 'Sub', 'Mul', 'Relu', 'Relu6', 'Sigmoid', 'Mean', 'Identity'}
_BLOCK = re.compile(r'MobilenetV3/(Conv|expanded_conv(?:_\d+)?)/')
_NHWC_TO_NCHW_AXIS = {0: 0, 1: 2, 2: 3, 3: 1, -1: 1, -2: 3, -3: 2, -4: 0}


def block_index(block: str) -> int:
    """'Conv' -> 0, 'expanded_conv' -> 1, 'expanded_conv_k' -> k + 1 (backbone.ts blockIndex)."""
    if block == 'Conv':
        return 0
    if block == 'expanded_conv':
        return 1
    match = re.fullmatch(r'expanded_conv_(\d+)', block)
    return int(match.group(1)) + 1 if match else -1


def block_of(node_name: str) -> Optional[str]:
    match = _BLOCK.search(node_name)
    return match.group(1) if match else None


class _Node:
    __slots__ = ('name', 'op', 'inputs', 'stride', 'same', 'dilation', 'activation', 'keep_dims', 'axes')

    def __init__(self, raw: dict):
        self.name = raw['name']
        self.op = raw['op']
        if self.op not in SUPPORTED:
            raise ValueError(f'backbone graph: op {self.op} ({self.name}) is not supported')
        attr = raw.get('attr', {})
        fmt = _s(attr.get('data_format'))
        if fmt not in ('', 'NHWC'):
            raise ValueError(f'{self.name}: data_format {fmt} is not supported')
        fused = [_decode(s) for s in attr.get('fused_ops', {}).get('list', {}).get('s', [])]
        extra = [f for f in fused if f != 'BiasAdd']
        if fused and fused[0] != 'BiasAdd' or len(extra) > 1 or (extra and extra[0] not in ('Relu', 'Relu6')):
            raise ValueError(f"{self.name}: fused ops {'+'.join(fused)} are not supported")
        self.activation = extra[0] if extra else None
        padding = _s(attr.get('padding'))
        if padding not in ('', 'SAME', 'VALID'):
            raise ValueError(f'{self.name}: padding {padding} is not supported')
        self.same = padding != 'VALID'
        self.stride = _square(attr.get('strides'), self.name)
        self.dilation = _square(attr.get('dilations'), self.name)
        self.keep_dims = bool(attr.get('keep_dims', {}).get('b', False))
        self.inputs = _data_inputs(raw)
        self.axes: Optional[List[int]] = None


def _s(attr: Optional[dict]) -> str:
    return _decode(attr['s']) if attr and 's' in attr else ''


def _decode(b64: str) -> str:
    return base64.b64decode(b64).decode('utf-8')


def _square(attr: Optional[dict], name: str) -> int:
    values = [int(v) for v in (attr or {}).get('list', {}).get('i', [])]
    if not values:
        return 1
    n, h, w, c = values
    if n != 1 or c != 1 or h != w:
        raise ValueError(f'{name}: {values} is not [1, s, s, 1]')
    return h


def _data_inputs(raw: dict) -> List[str]:
    out = []
    for name in raw.get('input', []):
        if name.startswith('^'):
            continue
        base, _, index = name.partition(':')
        if index not in ('', '0'):
            raise ValueError(f"{raw['name']}: multi-output input {name} is not supported")
        out.append(base)
    return out


def _plan(graph_nodes: Sequence[dict], input_name: str, output: str) -> List[_Node]:
    by_name = {n['name']: n for n in graph_nodes}
    order: List[str] = []
    state: Dict[str, str] = {}
    stack = [(output, False)]
    while stack:  # iterative DFS: the graph is deep enough to trouble Python's recursion limit
        name, expanded = stack.pop()
        if expanded:
            state[name] = 'done'
            if by_name[name]['op'] != 'Const' and name != input_name:
                order.append(name)
            continue
        if state.get(name) == 'done':
            continue
        if state.get(name) == 'visiting':
            raise ValueError(f'backbone graph: cycle at {name}')
        if name not in by_name:
            raise ValueError(f'backbone graph has no node {name}')
        state[name] = 'visiting'
        stack.append((name, True))
        node = by_name[name]
        if name != input_name and node['op'] != 'Const':
            for producer in reversed(_data_inputs(node)):
                if state.get(producer) != 'done':
                    stack.append((producer, False))
    if input_name not in state:
        raise ValueError(f'{output} does not depend on {input_name}')
    return [_Node(by_name[name]) for name in order]


def _same_pad(x: torch.Tensor, kernel: int, stride: int, dilation: int) -> torch.Tensor:
    """TF 'SAME': output ceil(in / stride); the padding's odd pixel goes to the bottom/right."""
    pads = []
    for size in (x.shape[3], x.shape[2]):  # F.pad lists the last dimension first
        effective = (kernel - 1) * dilation + 1
        total = max((math.ceil(size / stride) - 1) * stride + effective - size, 0)
        pads += [total // 2, total - total // 2]
    return F.pad(x, pads) if any(pads) else x


class Backbone(nn.Module):
    """The graph prefix up to `tap_node`; blocks from `trainable_from` up learn (None: all frozen)."""

    def __init__(self, graph_json: str, tap_node: str = DEFAULT_TAP, input_node: str = DEFAULT_INPUT,
                 trainable_from: Optional[str] = None):
        super().__init__()
        meta, values = read_manifest_weights(graph_json)
        self.input_node = input_node
        self.tap_node = tap_node
        self.nodes = _plan(meta['modelTopology']['node'], input_node, tap_node)
        self.weight_names: List[str] = []
        self.params = nn.ParameterDict()
        self._param_keys: Dict[str, str] = {}
        consts: Dict[str, torch.Tensor] = {}
        for node in self.nodes:
            if node.op == 'Mean':
                node.axes = [int(a) for a in values[node.inputs[1]].reshape(-1)]
                node.inputs = node.inputs[:1]
            for position, name in enumerate(node.inputs):
                if name not in values or name in consts or name in self._param_keys:
                    continue
                value = torch.from_numpy(values[name].astype('float32'))
                if (node.op in CONV_OPS or node.op == 'BiasAdd') and position > 0:
                    key = f'w{len(self.weight_names)}'
                    self._param_keys[name] = key
                    self.weight_names.append(name)
                    self.params[key] = nn.Parameter(value, requires_grad=False)
                else:
                    consts[name] = _to_nchw_constant(value)
        for i, (name, value) in enumerate(consts.items()):
            self.register_buffer(f'c{i}', value, persistent=False)
        self._const_keys = {name: f'c{i}' for i, name in enumerate(consts)}
        self.trainable_from: Optional[str] = None
        self.split: List[List[_Node]] = [self.nodes, []]
        self.boundary = tap_node
        self.set_trainable_from(trainable_from)

    @property
    def blocks(self) -> List[str]:
        names: List[str] = []
        for node in self.nodes:
            block = block_of(node.name)
            if block is not None and block not in names:
                names.append(block)
        return names

    def set_trainable_from(self, block: Optional[str]) -> None:
        """Splits the graph as backbone.ts splitAt: the prefix (frozen, cacheable) and the suffix (learns)."""
        first = math.inf if block is None else block_index(block)
        if block is not None and (first < 0 or block not in self.blocks):
            raise ValueError(f"trainableFrom: no block {block} before the tap (blocks: {', '.join(self.blocks)})")

        def in_prefix(node: _Node) -> bool:
            name = block_of(node.name)
            if name is None:
                raise ValueError(f'node {node.name} belongs to no MobileNetV3 block')
            return block_index(name) < first

        prefix = [n for n in self.nodes if in_prefix(n)]
        suffix = [n for n in self.nodes if not in_prefix(n)]
        produced = {self.input_node, *(n.name for n in prefix)}
        crossing = {i for n in suffix for i in n.inputs if i in produced}
        if not suffix:
            crossing.add(self.tap_node)
        if len(crossing) != 1:
            raise ValueError(f'block {block} is read through {len(crossing)} tensors, expected 1')
        self.split = [prefix, suffix]
        self.boundary = crossing.pop()
        self.trainable_from = block
        suffix_inputs = {i for n in suffix for i in n.inputs}
        for name, key in self._param_keys.items():
            self.params[key].requires_grad_(name in suffix_inputs)

    def trainable_named(self) -> List[tuple]:
        """(graph name, parameter) of every learning weight, in graph order."""
        return [(n, self.params[self._param_keys[n]]) for n in self.weight_names if self.params[self._param_keys[n]].requires_grad]

    def weight(self, name: str) -> nn.Parameter:
        if name not in self._param_keys:
            raise KeyError(f'the backbone has no weight {name}')
        return self.params[self._param_keys[name]]

    def assign(self, values: Dict[str, torch.Tensor]) -> None:
        """Loads saved weights by graph name (a saved model's 'backbone/...' entries); wrong names or shapes throw."""
        with torch.no_grad():
            for name, value in values.items():
                param = self.weight(name)
                if tuple(param.shape) != tuple(value.shape):
                    raise ValueError(f'backbone weight {name}: saved shape {tuple(value.shape)} but the graph has {tuple(param.shape)}')
                param.copy_(value)

    def prefix(self, images_nhwc: torch.Tensor) -> torch.Tensor:
        """The frozen blocks' output (NCHW) for RGB 0..255 images [N, H, W, 3]."""
        x = images_nhwc.permute(0, 3, 1, 2).contiguous()
        if not self.split[0]:
            return x
        with torch.no_grad():
            return self._run(self.split[0], self.input_node, x, self.boundary)

    def suffix(self, prefix_nchw: torch.Tensor) -> torch.Tensor:
        """The trainable blocks, from a prefix() output to the tap (NCHW)."""
        if not self.split[1]:
            return prefix_nchw
        return self._run(self.split[1], self.boundary, prefix_nchw, self.tap_node)

    def forward(self, images_nhwc: torch.Tensor) -> torch.Tensor:
        return self.suffix(self.prefix(images_nhwc))

    @property
    def out_channels(self) -> int:
        node = {n.name: n for n in self.nodes}[self.tap_node]
        by_name = {n.name: n for n in self.nodes}
        while node is not None:
            if node.op in CONV_OPS:
                w = self.weight(node.inputs[1])
                return int(w.shape[2] * w.shape[3]) if 'Depthwise' in node.op else int(w.shape[3])
            node = next((by_name[i] for i in node.inputs if i in by_name), None)
        raise ValueError(f'cannot tell the channels of {self.tap_node}')

    def _value(self, env: Dict[str, torch.Tensor], name: str) -> torch.Tensor:
        if name in env:
            return env[name]
        if name in self._param_keys:
            return self.params[self._param_keys[name]]
        if name in self._const_keys:
            return getattr(self, self._const_keys[name])
        raise ValueError(f'backbone: input {name} has no value')

    def _run(self, nodes: List[_Node], input_name: str, x: torch.Tensor, output: str) -> torch.Tensor:
        env = {input_name: x}
        for node in nodes:
            env[node.name] = self._op(node, [self._value(env, i) for i in node.inputs])
        return env[output]

    @staticmethod
    def _op(node: _Node, a: List[torch.Tensor]) -> torch.Tensor:
        op = node.op
        if op in CONV_OPS:
            w = a[1]
            depthwise = 'Depthwise' in op
            kh = w.shape[0]
            x = _same_pad(a[0], kh, node.stride, node.dilation) if node.same else a[0]
            if depthwise:  # [kh, kw, in, mult] -> [in * mult, 1, kh, kw]; channel c·mult + m as in TF
                kernel = w.permute(2, 3, 0, 1).reshape(w.shape[2] * w.shape[3], 1, w.shape[0], w.shape[1])
                y = F.conv2d(x, kernel, None, node.stride, 0, node.dilation, groups=w.shape[2])
            else:
                y = F.conv2d(x, w.permute(3, 2, 0, 1), None, node.stride, 0, node.dilation)
            if len(a) > 2:
                y = y + a[2].view(1, -1, 1, 1)
            if node.activation == 'Relu':
                y = F.relu(y)
            elif node.activation == 'Relu6':
                y = F.hardtanh(y, 0.0, 6.0)
            return y
        if op in ('BiasAdd',):
            return a[0] + a[1].view(1, -1, 1, 1)
        if op in ('Add', 'AddV2'):
            return a[0] + a[1]
        if op == 'Sub':
            return a[0] - a[1]
        if op == 'Mul':
            return a[0] * a[1]
        if op == 'Relu':
            return F.relu(a[0])
        if op == 'Relu6':
            return F.hardtanh(a[0], 0.0, 6.0)
        if op == 'Sigmoid':
            return torch.sigmoid(a[0])
        if op == 'Mean':
            axes = [_NHWC_TO_NCHW_AXIS[ax] for ax in node.axes or []]
            return torch.mean(a[0], dim=axes, keepdim=node.keep_dims)
        if op == 'Identity':
            return a[0]
        raise ValueError(f'unsupported op {op}')


def _to_nchw_constant(value: torch.Tensor) -> torch.Tensor:
    """Element-wise constants broadcast against NHWC tensors; make them broadcast the same way against NCHW."""
    if value.dim() == 1 and value.numel() > 1:
        return value.view(-1, 1, 1)
    if value.dim() == 4:
        return value.permute(0, 3, 1, 2).contiguous()
    return value
