#!/usr/bin/env bash
# npm run test:scale — the PyTorch trainer (scale/, issue 20) against the page's own code:
# 1. forward and one-SGD-step parity with tfjs cpu (scripts/scale/parity_reference.ts, scale/tests/test_parity.py);
# 2. a bundle of a few BCCD images (npm run export:bundle), trained by a two-process gloo torchrun for a few
#    iterations, checkpointed, evaluated (per-class VOC AP), exported; the exported model then loads through the
#    page's loader on tfjs cpu and detects what PyTorch detects on the same pixels (scripts/scale/detect_check.ts).
# 3. the same model uploaded through the page's Models tab detects on wasm, in Chromium, PyTorch's top detection
#    (scale/e2e/, its own Playwright config); then one line of the figures (scripts/scale/parity_summary.py).
# Installs Debian's python3-torch and python3-torchvision when they are missing. Torch runs on one thread per process.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3 # Debian's, where python3-torch installs (another python3 may come first on PATH)
bash scripts/ensure_torch.sh
export OMP_NUM_THREADS=1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
step() { echo "test:scale: $*" >&2; }

# Independent single-threaded steps run two at a time (the machine has two cores): each job logs to its own file,
# printed whole when it ends, and its exit status fails the run.
declare -A JOB_PIDS
run_job() { # name, function: runs it in the background, its output to $WORK/<name>.log
  ( set -euo pipefail; "$2" ) >"$WORK/$1.log" 2>&1 &
  JOB_PIDS[$1]=$!
}
finish_job() { # name: waits for it, prints its log, fails the run if it failed
  local status=0
  wait "${JOB_PIDS[$1]}" || status=$?
  cat "$WORK/$1.log"
  if [ "$status" -ne 0 ]; then step "$1 failed (exit $status)"; exit "$status"; fi
}
without_tfjs_banner() { grep -v -e 'tfjs-node' -e '^=*$' -e 'Hi, looks like'; }

parity_job() {
  step "parity reference (src/ on tfjs cpu)"
  npx vite-node scripts/scale/parity_reference.ts -- --out "$WORK/ref" 2>&1 | without_tfjs_banner
  step "PyTorch unit and parity tests"
  FRCNN_PARITY_DIR="$WORK/ref" "$PY" -m unittest discover -s scale/tests -t scale -v 2>&1 | tee "$WORK/unittest.txt"
}
training_job() {
  step "bundle of a few BCCD images"
  npx vite-node scripts/export_bundle.ts -- --dataset ../shared/datasets/bccd --out "$WORK/bundle" --limit 2 --val-split none \
    --iterations 4 --scale 224 --max-size 320 >/dev/null
  step "two-process gloo torchrun"
  # Debian's torchrun 1.13 fails at start under Python 3.11 with its default --redirects/--tee; these two avoid it
  torchrun --nproc_per_node=2 --redirects 1 --tee 1 --log_dir "$WORK/torchrun" \
    scale/train.py --bundle "$WORK/bundle" --out "$WORK/model" --iterations 4 --checkpoint-every 2 --log-every 1 | tee "$WORK/summary.txt"
  grep -q '"processes": 2' "$WORK/summary.txt"
  test -s "$WORK/model/checkpoints/weights.pt" -a -s "$WORK/model/checkpoints/sampler_rank1.json"
  local image
  image=$(test_image)
  "$PY" scale/detect.py --model "$WORK/model" --bundle "$WORK/bundle" --image "$image" --out "$WORK/case" --score-threshold 0.01
  # PyTorch at the page's thresholds (its candidate floor 0.05, box voting over the same candidates), for the spec to match
  "$PY" scale/detect.py --model "$WORK/model" --bundle "$WORK/bundle" --image "$image" --out "$WORK/page_case" --score-threshold 0.05 >/dev/null
}
test_image() { "$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['splits']['test'][0]['file'])" "$WORK/bundle/bundle.json"; }
node_check_job() {
  step "the trained model in the page's detector (tfjs cpu)"
  npx vite-node scripts/scale/detect_check.ts -- --model "$WORK/model" --case "$WORK/case" 2>&1 | without_tfjs_banner | tee "$WORK/node_check.txt"
}
page_job() {
  step "the trained model uploaded in the page, detecting on wasm (scale/e2e, Playwright)"
  FRCNN_SCALE_MODEL="$WORK/model" FRCNN_SCALE_IMAGE="$WORK/bundle/images/$(test_image)" FRCNN_SCALE_EXPECTED="$WORK/page_case/detections.json" \
    npx playwright test --config scale/playwright.scale.config.ts 2>&1 | tee "$WORK/page.txt"
}

run_job parity parity_job
run_job training training_job
finish_job parity
finish_job training
run_job node_check node_check_job
run_job page page_job
finish_job node_check
finish_job page
"$PY" scripts/scale/parity_summary.py "$WORK/unittest.txt" "$WORK/node_check.txt" "$WORK/page.txt"
step "passed"
