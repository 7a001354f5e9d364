#!/usr/bin/env bash
# `make cv`: 5-fold cross-validation of the whole NLU pipeline with `rasa test nlu`
# (intent and entity F1 per fold, reports in results/cv/). About 20 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH" PYTHONPATH="$PWD" RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 PYTHONWARNINGS=ignore
mkdir -p results
rasa test nlu --nlu data/nlu --config config.yml --cross-validation --folds "${FOLDS:-5}" \
  --out results/cv --no-plot 2>&1 | grep -E "rasa.nlu.test +- (Intent|Entity|train|test|Accumulated)" || true
test "${PIPESTATUS[0]}" -eq 0
