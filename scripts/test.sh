#!/usr/bin/env bash
# `make test`: every test of the project, in order of cost.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH" RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 PYTHONWARNINGS=ignore SQLALCHEMY_SILENCE_UBER_WARNING=1
mkdir -p results
bash scripts/ensure-services.sh

step() { printf '\n=== %s\n' "$*"; }

step "1/7 unit tests (no trained model needed)"
pytest -q -m "not slow" -p no:cacheprovider

step "2/7 train the model if the training data changed"
nest-bot train

step "3/7 rasa data validate"
rasa data validate --data data/nlu data/stories --domain domain.yml --config config.yml \
  --fail-on-warnings 2>&1 | grep -vE "^\s*$" | tail -n 20
test "${PIPESTATUS[0]}" -eq 0

step "4/7 conversation tests (tests/stories) with rasa test"
rasa test core --stories tests/stories --model models/nest-bot.tar.gz --endpoints endpoints.yml \
  --out results/core --fail-on-prediction-errors --no-plot 2>&1 | tail -n 15
test "${PIPESTATUS[0]}" -eq 0

step "5/7 held-out topic accuracy and specific answers (tests/nlu_holdout*.yml, tests/cards_holdout*.yml, never trained on)"
# Regression guards just under the figures measured 2026-12-07 (README): English 0.929,
# fresh English 0.884, second fresh English (written blind) 0.952; Welsh 0.828, fresh Welsh
# 0.869. The targets are 0.92 (English) and 0.85 (Welsh). The first Welsh set lost two answers
# (0.844 -> 0.828) to the safety net's false alarms on practice questions (issue 14).
python bench/holdout.py --quiet --min-accuracy "${NEST_MIN_HOLDOUT_ACCURACY:-0.92}"
python bench/holdout.py --quiet --file tests/nlu_holdout_fresh.yml --min-accuracy "${NEST_MIN_HOLDOUT_ACCURACY_FRESH:-0.87}"
python bench/holdout.py --quiet --file tests/nlu_holdout_fresh2.yml --min-accuracy "${NEST_MIN_HOLDOUT_ACCURACY_FRESH2:-0.94}"
python bench/holdout.py --quiet --file tests/nlu_holdout_cy.yml --min-accuracy "${NEST_MIN_HOLDOUT_ACCURACY_CY:-0.82}"
python bench/holdout.py --quiet --file tests/nlu_holdout_fresh_cy.yml --min-accuracy "${NEST_MIN_HOLDOUT_ACCURACY_FRESH_CY:-0.85}"

# Specific questions (issue 15), written blind from the framework text: the reply the
# practitioner reads must hold the fact asked for. Guards just under the figures measured
# 2026-12-07 21:10 (README, "Knowledge cards"): set 1 en 0.799 / cy 0.750, set 2 en 0.768 /
# cy 0.723, set 3 en 0.777 / cy 0.806, set 4 en 0.802 / cy 0.635 (first sight 0.797 / 0.622).
# The targets are 0.90 (English) and 0.85 (Welsh): not met yet.
python bench/cards_holdout.py --min-en 0.79 --min-cy 0.72
python bench/cards_holdout.py --file tests/cards_holdout2.yml --min-en 0.75 --min-cy 0.69
python bench/cards_holdout.py --file tests/cards_holdout3.yml --min-en 0.76 --min-cy 0.79
python bench/cards_holdout.py --file tests/cards_holdout4.yml --min-en 0.79 --min-cy 0.62

step "6/7 safety: the rules OR the trained net on the regression and blind sets (docs/safety-evaluation.md)"
# Every risk message must raise the alarm and no emergency may be answered at a lower level;
# false alarms guarded at the figures measured 2026-12-08 00:30 (the target is 2%): existing
# set 0.016, rounds 1-12: 0.015 0.008 0.049 0.034 0.061 0.106 0.062 0.076 0.045 0.024 0.042
# 0.052. Rounds 1-11 are also the net's training data (data/safety/rounds): only a fresh
# round's first sight measures it (docs/safety-evaluation.md). Round 12 (tests/safety) was
# scored at first sight, then the rules (not the net) were tuned on it.
G="python bench/safety_blind.py --min-recall 1.0 --max-emergency-under 0 --max-false-alarms"
R=data/safety/rounds
$G 0.02 tests/safety/safety_messages.yml $R/blind_round1.yml $R/blind_round2.yml
$G 0.03 $R/blind_round10.yml
$G 0.055 $R/blind_round3.yml $R/blind_round4.yml $R/blind_round9.yml $R/blind_round11.yml \
  tests/safety/blind_round12.yml
$G 0.065 $R/blind_round5.yml $R/blind_round7.yml
$G 0.08 $R/blind_round8.yml
$G 0.115 $R/blind_round6.yml

step "7/7 integration tests: both servers from the trained model, over the REST webhook"
pytest -q -m slow -p no:cacheprovider

printf '\nall tests passed\n'
