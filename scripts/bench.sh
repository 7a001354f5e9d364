#!/usr/bin/env bash
# `make bench`: prints the project's speed and memory figures.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH" RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 PYTHONWARNINGS=ignore
echo "== training (skipped when the model is up to date)"
nest-bot train
echo; echo "== REST round trips (bench/rest_bench.py)"
python bench/rest_bench.py
echo; echo "== held-out topic accuracy (bench/holdout.py)"
python bench/holdout.py --quiet
for extra in bench/safety_eval.py bench/booking_bench.py; do
  if [ -f "$extra" ]; then echo; echo "== $extra"; python "$extra"; fi
done
