#!/usr/bin/env bash
# Installs Debian's python3-torch, python3-torchvision and libopenblas0-pthread when missing (scale/, issue 20).
# libopenblas0-pthread: without it Debian's torch multiplies matrices with the reference BLAS, 25x slower.
# Used by .ci/run and npm run test:scale, so both check the same things.
set -euo pipefail
if ! /usr/bin/python3 -c 'import torch, torchvision' 2>/dev/null || [ ! -e /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 ]; then
  echo "Installing Debian's python3-torch, python3-torchvision and libopenblas0-pthread (scale/ trainer tests)…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq python3-torch python3-torchvision libopenblas0-pthread >/dev/null
fi
