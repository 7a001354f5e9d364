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
for set in tests/nlu_holdout.yml tests/nlu_holdout_fresh.yml tests/nlu_holdout_fresh2.yml \
           tests/nlu_holdout_cy.yml tests/nlu_holdout_fresh_cy.yml; do
  python bench/holdout.py --quiet --file "$set"
done
echo; echo "== intent classifier, 5-fold cross-validation on the training data (bench/nlu_cv.py)"
python bench/nlu_cv.py
for extra in bench/safety_eval.py bench/booking_bench.py bench/cards_bench.py; do
  if [ -f "$extra" ]; then echo; echo "== $extra"; python "$extra"; fi
done
echo; echo "(the full pipeline's cross-validation with rasa test nlu: make cv, about 20 minutes)"
