"""Train the page's detector on an exported bundle with PyTorch DistributedDataParallel.

  torchrun --nproc_per_node=N scale/train.py --bundle DIR --out MODEL_DIR [--iterations N] [--resume] ...
  python3 scale/train.py --bundle DIR --out MODEL_DIR          (one process, no torchrun)

Each process owns every world_size-th roidb entry (image or mirrored copy), caches the frozen backbone prefix of
those entries once, and per step samples `imagesPerBatch` of them with the page's sampler (process r seeds
seed + r; a single process reproduces the page's sequence exactly). Gradients are averaged by DDP (gloo on CPU,
NCCL on GPUs), then every process applies the same Caffe SGD update. Rank 0 writes checkpoints, evaluates the test
split (else validation) with per-class VOC AP, and writes model.json + weights.bin for the page's Models tab.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

# one BLAS thread per process unless told otherwise (torchrun starts one process per core or GPU); must precede torch
os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402
from torch.nn.parallel import DistributedDataParallel  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from frcnn_scale import training as T  # noqa: E402
from frcnn_scale.backbone import Backbone  # noqa: E402
from frcnn_scale.bundle import Bundle  # noqa: E402
from frcnn_scale.detector import class_boxes, image_scale, project_rois, resize, select_detections  # noqa: E402
from frcnn_scale.head import RoiHead, truncated_svd  # noqa: E402
from frcnn_scale.tfjs_io import write_detector  # noqa: E402
from frcnn_scale.voc import evaluate  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--bundle', required=True, help='directory written by npm run export:bundle')
    p.add_argument('--out', required=True, help='where model.json + weights.bin go')
    p.add_argument('--iterations', type=int, help='override the bundle\'s iterations (the lr step moves to 3/4 of them)')
    p.add_argument('--checkpoint-dir', help='default: <out>/checkpoints')
    p.add_argument('--checkpoint-every', type=int, help='iterations between checkpoints (default: the bundle\'s)')
    p.add_argument('--resume', action='store_true', help='continue from the latest checkpoint')
    p.add_argument('--threads', type=int, default=1, help='torch threads per process')
    p.add_argument('--validate-every', type=int, help="validation mAP every N iterations from half the run on, and at the end; the best "
                   "evaluation's weights are kept (default: the bundle's; 0: off, the last weights are kept)")
    p.add_argument('--no-retrain', action='store_true', help="keep the validated weights even when the bundle asks for the page's second run "
                   'on train + validation images')
    p.add_argument('--no-eval', action='store_true')
    p.add_argument('--log-every', type=int, default=10)
    return p.parse_args(argv)


class Network(torch.nn.Module):
    """The trainable part: backbone blocks from trainableFrom, and the head; forward = the page's headOutputs."""

    def __init__(self, backbone: Backbone, head: RoiHead, stride: int):
        super().__init__()
        self.backbone = backbone
        self.head = head
        self.stride = stride

    def forward(self, prefixes, rois):
        pooled = []
        for prefix, r in zip(prefixes, rois):
            rows = torch.zeros(len(r), 5, device=prefix.device)
            rows[:, 1:] = r
            pooled.append(self.head.pool(self.head.reduce(self.backbone.suffix(prefix)), rows, 1 / self.stride))
        return self.head.classify(torch.cat(pooled), training=True)


def log(rank, message):
    if rank == 0:
        print(message, file=sys.stderr, flush=True)


class Run:
    """What every stage of a run shares: the bundle, settings, network, and the prefix cache keyed by (file, flip)."""

    def __init__(self, args, bundle, config, backbone, head, network, params, world, rank, device):
        self.args, self.bundle, self.config = args, bundle, config
        self.backbone, self.head, self.network, self.params = backbone, head, network, params
        self.world, self.rank, self.device = world, rank, device
        self.num_classes = len(bundle.class_names)
        self.cache = {}
        self.model = DistributedDataParallel(network, broadcast_buffers=False) if world > 1 else network

    def scale_of(self, image):
        return image_scale(image['width'], image['height'], self.config['scale'], self.config['maxSize'])

    @torch.no_grad()
    def prefix(self, image, flip):
        """The frozen blocks' output for an image as mirrored by `flip`, float16 as the page keeps it; cached."""
        key = (image['file'], flip)
        if key not in self.cache:
            x = resize(self.bundle.pixels(image), self.scale_of(image))
            if 'h' in flip:
                x = torch.flip(x, [2])
            if 'v' in flip:
                x = torch.flip(x, [1])
            self.cache[key] = self.backbone.prefix(x.to(self.device)).half()
        return self.cache[key]

    def stage(self, images, solver, validate_at=frozenset(), checkpointing=False):
        """SGD on `images` for solver['iterations'] (this process: every world-th roidb entry); validation on rank 0.
        Returns (iterations, best validation (iteration, mAP, weights) or None, SGD seconds, feature seconds, stats)."""
        config, rank, world, device = self.config, self.rank, self.world, self.device
        roidb = T.build_roidb(images, T.training_flips(config))
        means, stds = T.target_stats(roidb, self.num_classes)
        mine = [i for i in range(len(roidb)) if i % world == rank]
        if not mine:
            raise SystemExit(f'rank {rank}: no training entry for this process ({len(roidb)} entries for {world} processes)')
        t0 = time.time()
        for i in mine:
            self.prefix(images[roidb[i].image_index], roidb[i].flip)
        feature_seconds = time.time() - t0
        log(rank, f'features: {len(mine)} entries per process in {feature_seconds:.1f} s')
        sgd = T.MomentumSgd(self.params, solver)
        rng = T.Mulberry32(config['seed'] + rank)
        iteration, order_state = 0, None
        checkpoint_dir = self.args.checkpoint_dir or os.path.join(self.args.out, 'checkpoints')
        every = (self.args.checkpoint_every if self.args.checkpoint_every is not None else config.get('checkpointEvery', 0)) if checkpointing else 0
        if checkpointing and self.args.resume:
            iteration, order_state = load_checkpoint(checkpoint_dir, rank, self.params, sgd, rng)
            log(rank, f'resumed at iteration {iteration} from {checkpoint_dir}')
        order = T.ImageOrder(len(mine), rng, order_state)
        validation = self.bundle.splits.get('validation') or []
        val_prefixes, best = None, None
        if rank == 0 and validate_at:
            val_prefixes = [self.prefix(im, 'none') for im in validation]
            log(rank, f'validation: {len(validation)} images at iterations {sorted(validate_at)}; the best evaluation\'s weights are kept')
        normalization = {'means': [float(v) for v in means], 'stds': [float(v) for v in stds]}
        local = [roidb[i] for i in mine]
        scale_of = {id(e): self.scale_of(images[e.image_index]) for e in local}
        t_train = time.time()
        start_iteration = iteration
        while iteration < solver['iterations']:
            batch = T.sample_batch(local, order, config['sampling'], rng, lambda e: scale_of[id(e)])
            prefixes = [self.prefix(images[local[k].image_index], local[k].flip).float() for k, _ in batch.images]
            rois = [torch.from_numpy(r).to(device) for _, r in batch.images]
            targets, weights = T.bbox_target_blob(batch.targets, batch.labels, self.num_classes, means, stds)
            for p in self.network.parameters():
                p.grad = None
            logits, deltas = self.model(prefixes, rois)
            cls, loc, total = T.multi_task_loss(logits, deltas, torch.from_numpy(batch.labels).to(device), torch.from_numpy(targets).to(device),
                                                torch.from_numpy(weights).to(device), config['lossLambda'], config['bboxRegression'])
            total.backward()
            if not math.isfinite(float(total)):
                raise SystemExit(f'iteration {iteration + 1}: the loss is {float(total)}; lower the learning rate (--lr on export)')
            lr = T.learning_rate_at(iteration, solver)
            sgd.apply(lr)
            iteration += 1
            if iteration % self.args.log_every == 0 or iteration == 1 or iteration == solver['iterations']:
                log(rank, f'iteration {iteration}/{solver["iterations"]}: loss {float(total):.4f} (cls {float(cls):.4f}, loc {float(loc):.4f}), lr {lr:g}')
            if every and iteration % every == 0:
                save_checkpoint(checkpoint_dir, rank, iteration, self.params, sgd, order, rng)
            if rank == 0 and iteration in validate_at:
                t_val = time.time()
                mean_ap = evaluate_split(self.bundle, 'validation', config, self.backbone, self.head, normalization, val_prefixes)['mAP']['voc07']
                if best is None or mean_ap >= best[1]:  # ties go to the later iteration, as the page's ValidationTracker
                    best = (iteration, mean_ap, {n: p.detach().clone() for n, p, _ in self.params})
                log(rank, f'validation mAP {100 * mean_ap:.1f}% at iteration {iteration} ({time.time() - t_val:.1f} s)')
                t_train += time.time() - t_val  # validation is not training time
        seconds = time.time() - t_train
        done = iteration - start_iteration
        log(rank, f'training: {done} iterations in {seconds:.1f} s, '
                  f'{done * config["sampling"]["imagesPerBatch"] * world / max(seconds, 1e-9):.2f} images/s over {world} process(es)')
        return iteration, done, best, seconds, feature_seconds, normalization


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    world = int(os.environ.get('WORLD_SIZE', '1'))
    rank = int(os.environ.get('RANK', '0'))
    cuda = torch.cuda.is_available()
    device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}" if cuda else 'cpu')
    if cuda:
        torch.cuda.set_device(device)
    if world > 1:
        dist.init_process_group('nccl' if cuda else 'gloo')
    bundle = Bundle(args.bundle)
    config = dict(bundle.config)
    solver = dict(config['solver'])
    if args.iterations is not None:
        solver.update(iterations=args.iterations, steps=[max(1, T.js_round(args.iterations * 0.75))])
    config['solver'] = solver
    backbone = Backbone(bundle.backbone_json, bundle.backbone['tapNode'], bundle.backbone['inputNode'], bundle.backbone.get('trainableFrom')).to(device)
    head = RoiHead(bundle.head, backbone.out_channels, len(bundle.class_names), seed=config['seed'])
    network = Network(backbone, head, int(bundle.backbone['featureStride'])).to(device)
    params = [(f'backbone/{n}', p, bool('bias' in n.lower() or 'offset' in n.lower())) for n, p in backbone.trainable_named()]
    params += [(n, p, n.endswith('/bias')) for n, p in head.named_weights()]
    start_weights = {n: p.detach().clone() for n, p, _ in params}
    run = Run(args, bundle, config, backbone, head, network, params, world, rank, device)
    train_images = bundle.splits['train']
    validation = bundle.splits.get('validation') or []
    validate_every = args.validate_every if args.validate_every is not None else bundle.meta.get('validateEvery', 0)
    validate_at = frozenset(validation_iterations(solver['iterations'], validate_every)) if validation else frozenset()
    mode = 'NCCL' if cuda and world > 1 else 'gloo' if world > 1 else 'single process'
    log(rank, f'train: {len(train_images)} images over {world} process(es) ({mode}), {solver["iterations"]} iterations')
    iterations, done, best, seconds, feature_seconds, normalization = run.stage(train_images, solver, validate_at, checkpointing=True)
    summary = {'processes': world, 'iterations': iterations, 'trainSeconds': round(seconds, 2), 'featureSeconds': round(feature_seconds, 2),
               'imagesPerSecond': round(done * config['sampling']['imagesPerBatch'] * world / max(seconds, 1e-9), 3), 'out': args.out}
    chosen = [best[0] if best else None]
    if world > 1:
        dist.broadcast_object_list(chosen, src=0)  # only rank 0 validates; every process needs the choice
    if chosen[0] is not None:
        log(rank, f'validation chose iteration {chosen[0]} (validation mAP {100 * best[1]:.1f}%)' if rank == 0 else '')
        summary.update(chosenIteration=chosen[0], **({'validationMap': best[1]} if rank == 0 else {}))
        if bundle.meta.get('retrainOnAll') and not args.no_retrain:
            # the page's second run (run_training.ts): fresh weights, train + validation images, the schedule
            # stretched by their ratio and stopped at the chosen point
            everything = train_images + validation
            ratio = len(everything) / len(train_images)
            again = {**solver, 'iterations': max(1, T.js_round(chosen[0] * ratio)), 'steps': [T.js_round(s * ratio) for s in solver['steps']]}
            with torch.no_grad():
                for name, p, _ in params:
                    p.copy_(start_weights[name])
            log(rank, f'again on all {len(everything)} images, {again["iterations"]} iterations')
            iterations2, _, _, seconds2, _, normalization = run.stage(everything, again)
            summary.update(retrainedIterations=iterations2, retrainSeconds=round(seconds2, 2))
        elif rank == 0:
            with torch.no_grad():
                for name, p, _ in params:
                    p.copy_(best[2][name])
            log(rank, 'its weights are the model\'s')
    if rank == 0:
        write_model(args.out, bundle, config, backbone, head, normalization)
        log(rank, f'model written to {args.out}')
        split = 'test' if bundle.splits.get('test') else 'validation'
        if not args.no_eval and bundle.splits.get(split):
            result = evaluate_split(bundle, split, config, backbone, head, normalization)
            for name, v in result['perClass'].items():
                log(rank, f"  {name:20s} AP {v['voc07']:.3f} (VOC07), {v['area']:.3f} (area), {v['npos']} objects")
            log(rank, f"{split} mAP {result['mAP']['voc07']:.4f} (VOC07), {result['mAP']['area']:.4f} (area) on {len(bundle.splits[split])} images")
            summary.update(evaluated=split, mAP=result['mAP'], perClass={k: v['voc07'] for k, v in result['perClass'].items()})
        print(json.dumps(summary), flush=True)
    if world > 1:
        dist.barrier()
        dist.destroy_process_group()


def validation_iterations(iterations, every):
    """recipe.ts validationIterations: every `every` iterations from half the run on, and the last."""
    if every <= 0:
        return []
    return [i for i in range(every, iterations, every) if i >= iterations / 2] + [iterations]


def write_model(out, bundle, config, backbone, head, normalization):
    """The page's format: head/<layer>/..., backbone/<graph name> for the blocks that learned; fc6/fc7 SVD if asked."""
    named = []
    ranks = bundle.meta.get('svdRanks') or {}
    head_config = dict(bundle.head)
    weights = {n: p.detach().cpu() for n, p in head.named_weights()}
    for layer in ('fc6', 'fc7'):
        rank = ranks.get(layer)
        if rank:
            left, right, _ = truncated_svd(weights.pop(f'{layer}/kernel'), rank)
            weights[f'{layer}/left'], weights[f'{layer}/right'] = left, right
            head_config[f'{layer}Rank'] = rank
    order = [n for n in _weight_order(head_config) if n in weights]
    named += [(f'head/{n}', weights[n].numpy()) for n in order]
    named += [(f'backbone/{n}', p.detach().cpu().numpy()) for n, p in backbone.trainable_named()]
    model_config = {
        'classNames': bundle.class_names,
        'backbone': {**bundle.backbone, 'modelUrl': '/backbone/centernet.json'},
        'head': head_config,
        'input': {'scales': [config['scale']], 'maxSize': config['maxSize']},
        'bboxNormalization': normalization,
        'detect': bundle.detect,
    }
    write_detector(out, model_config, named)


def _weight_order(head_config):
    names = []
    for layer in ('reduce', 'fc6', 'fc7', 'cls_score', 'bbox_pred'):
        names += [f'{layer}/kernel', f'{layer}/left', f'{layer}/right', f'{layer}/bias']
    return names


@torch.no_grad()
def evaluate_split(bundle, split, config, backbone, head, normalization, prefixes=None):
    """VOC AP of the split's images; `prefixes` (image index -> cached frozen prefix) spares the frozen blocks."""
    images = bundle.splits[split]
    device = next(head.parameters()).device
    detections = []
    for index, image in enumerate(images):
        scale = image_scale(image['width'], image['height'], config['scale'], config['maxSize'])
        if prefixes is not None:
            tap = backbone.suffix(prefixes[index].float())
        else:
            tap = backbone(resize(bundle.pixels(image), scale).to(device))
        reduced = head.reduce(tap)
        rois = project_rois(image['proposals'], scale).to(device)
        probs, deltas = [], []
        for start in range(0, len(rois), 512):
            logits, d = head.classify(head.pool(reduced, rois[start:start + 512], 1 / int(bundle.backbone['featureStride'])))
            probs.append(torch.softmax(logits, 1))
            deltas.append(d)
        probs = torch.cat(probs).cpu().numpy()
        boxes = class_boxes(image['proposals'], torch.cat(deltas).cpu().numpy(), normalization, image['width'], image['height'], bundle.detect)
        detections.append(select_detections(probs, boxes, bundle.detect))
    return evaluate(images, detections, bundle.class_names)


def save_checkpoint(directory, rank, iteration, params, sgd, order, rng):
    os.makedirs(directory, exist_ok=True)
    if rank == 0:
        state = {'iteration': iteration, 'weights': {n: p.detach().cpu() for n, p, _ in params},
                 'history': {n: v.cpu() for n, v in sgd.history.items()}}
        torch.save(state, os.path.join(directory, 'weights.pt.tmp'))
        os.replace(os.path.join(directory, 'weights.pt.tmp'), os.path.join(directory, 'weights.pt'))
    with open(os.path.join(directory, f'sampler_rank{rank}.json'), 'w', encoding='utf-8') as f:
        json.dump({'iteration': iteration, 'order': order.state(), 'rng': rng.a}, f)


def load_checkpoint(directory, rank, params, sgd, rng):
    path = os.path.join(directory, 'weights.pt')
    sampler = os.path.join(directory, f'sampler_rank{rank}.json')
    if not os.path.exists(path) or not os.path.exists(sampler):
        raise SystemExit(f'--resume: no checkpoint in {directory} (weights.pt and sampler_rank{rank}.json)')
    state = torch.load(path)
    with open(sampler, encoding='utf-8') as f:
        s = json.load(f)
    if s['iteration'] != state['iteration']:
        raise SystemExit(f'--resume: {sampler} is at iteration {s["iteration"]} but weights.pt at {state["iteration"]}')
    with torch.no_grad():
        for name, p, _ in params:
            p.copy_(state['weights'][name])
            sgd.history[name].copy_(state['history'][name])
    rng.a = s['rng']
    return state['iteration'], s['order']


if __name__ == '__main__':
    main()
