#!/usr/bin/env bash
# Fine-tune tsn_efficientnet_lite0 (ImageNet EfficientNet-Lite0) on the fight-surv train split
# (180 clips) of ../shared/clips/manifest.csv, early-stopping on its val split (60 clips), then
# evaluate best.pt on val. CPU-only settings: 8 segments at 160 px, BatchNorm running stats
# kept (partial BN), last 3 blocks + conv head + new head trained with AdamW lr 1e-3, cosine
# decay, early stop after 4 epochs without a better val accuracy; decoded frames cached in
# memory and in var/cache/frames (a second run skips decoding).
# Usage: scripts/finetune_fight.sh [OUT_DIR] [extra finetune options]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-var/runs/fight-tsn-lite0}
shift || true
PY=.venv/bin/python
start=$(date +%s)
$PY -m training finetune ../shared/clips/manifest.csv --model tsn_efficientnet_lite0 \
  --out "$OUT" --epochs 10 --batch-size 8 --optimizer adamw --lr 1e-3 --backbone-lr-mult 1.0 \
  --momentum 0.9 --weight-decay 1e-4 --dropout 0.5 --train-blocks 3 --patience 4 --segments 8 \
  --size 160 --workers 2 --threads 2 --cache-dir var/cache/frames "$@"
$PY -m training evaluate ../shared/clips/manifest.csv --weights "$OUT/best.pt" --split val \
  --segments 8 --size 160 --threads 2 --cache-dir var/cache/frames
echo "wall_sec=$(( $(date +%s) - start ))"
