"""The tfjs weight format on disk: a JSON file whose weightsManifest lists named, shaped weights stored back to back
in binary shards. Reads the served backbone graph (float16-quantized weights) and our detector's model.json +
weights.bin (src/model/weights_io.ts), and writes the latter."""
from __future__ import annotations

import json
import os
from typing import Dict, List, Tuple

import numpy as np

DETECTOR_FORMAT = 'frcnn-web-detector'
DETECTOR_FORMAT_VERSION = 1

_PLAIN = {'float32': np.float32, 'int32': np.int32, 'bool': np.bool_}
_QUANTIZED = {'float16': np.float16, 'uint8': np.uint8, 'uint16': np.uint16}


def read_manifest_weights(json_path: str) -> Tuple[dict, Dict[str, np.ndarray]]:
    """The JSON and every weight it lists, decoded to float32 / int32 as tf.io.decodeWeights does."""
    with open(json_path, encoding='utf-8') as f:
        meta = json.load(f)
    base = os.path.dirname(json_path)
    weights: Dict[str, np.ndarray] = {}
    for group in meta.get('weightsManifest', []):
        data = b''.join(_read(os.path.join(base, p)) for p in group.get('paths', []))
        offset = 0
        for spec in group['weights']:
            value, offset = _decode(spec, data, offset, json_path)
            weights[spec['name']] = value
        if offset != len(data):
            raise ValueError(f'{json_path}: the manifest describes {offset} bytes but its shards hold {len(data)}')
    return meta, weights


def _read(path: str) -> bytes:
    if not os.path.exists(path):
        raise FileNotFoundError(f'{path}: weight shard listed in the manifest is missing')
    with open(path, 'rb') as f:
        return f.read()


def _decode(spec: dict, data: bytes, offset: int, where: str) -> Tuple[np.ndarray, int]:
    shape = [int(d) for d in spec.get('shape', [])]
    count = int(np.prod(shape)) if shape else 1
    quant = spec.get('quantization')
    if quant is not None:
        stored = _QUANTIZED.get(quant['dtype'])
        if stored is None:
            raise ValueError(f"{where}: weight {spec['name']} has quantization {quant['dtype']}, not supported")
        raw = np.frombuffer(data, dtype=stored, count=count, offset=offset)
        if quant['dtype'] == 'float16':
            value = raw.astype(np.float32)
        else:
            value = (raw.astype(np.float32) * np.float32(quant['scale']) + np.float32(quant['min'])).astype(np.float32)
        size = count * np.dtype(stored).itemsize
    else:
        dtype = _PLAIN.get(spec['dtype'])
        if dtype is None:
            raise ValueError(f"{where}: weight {spec['name']} has dtype {spec['dtype']}, not supported")
        value = np.frombuffer(data, dtype=dtype, count=count, offset=offset).copy()
        size = count * np.dtype(dtype).itemsize
    if offset + size > len(data):
        raise ValueError(f"{where}: weight {spec['name']} runs past the end of the shards")
    return value.reshape(shape), offset + size


def read_detector(model_json: str) -> Tuple[dict, Dict[str, np.ndarray]]:
    """(config, weights by name: 'head/<layer>/<kernel|bias|left|right>', 'backbone/<graph constant>')."""
    meta, weights = read_manifest_weights(model_json)
    topology = meta.get('modelTopology') or {}
    if topology.get('format') != DETECTOR_FORMAT:
        raise ValueError(f'{model_json}: not a saved detector (modelTopology.format must be {DETECTOR_FORMAT})')
    config = topology['config']
    if config['detect'].get('deltaClampLog') is None:
        config['detect']['deltaClampLog'] = float('inf')
    return config, weights


def write_detector(out_dir: str, config: dict, named: List[Tuple[str, np.ndarray]]) -> None:
    """model.json + weights.bin, laid out as weights_io.ts filesFromArtifacts writes them (float32, one shard)."""
    os.makedirs(out_dir, exist_ok=True)
    config = json.loads(json.dumps(config))
    clamp = config['detect'].get('deltaClampLog')
    if clamp is not None and not np.isfinite(clamp):
        config['detect']['deltaClampLog'] = None
    specs = []
    blobs = []
    for name, value in named:
        array = np.ascontiguousarray(value, dtype=np.float32)
        if not np.all(np.isfinite(array)):
            raise ValueError(f'weight {name} holds NaN or Inf: refusing to write a broken model')
        specs.append({'name': name, 'shape': list(array.shape), 'dtype': 'float32'})
        blobs.append(array.tobytes())
    meta = {
        'format': DETECTOR_FORMAT,
        'generatedBy': 'frcnn-web scale/ (PyTorch)',
        'modelTopology': {'format': DETECTOR_FORMAT, 'version': DETECTOR_FORMAT_VERSION, 'config': config},
        'weightsManifest': [{'paths': ['weights.bin'], 'weights': specs}],
    }
    with open(os.path.join(out_dir, 'weights.bin'), 'wb') as f:
        f.write(b''.join(blobs))
    with open(os.path.join(out_dir, 'model.json'), 'w', encoding='utf-8') as f:
        json.dump(meta, f)
