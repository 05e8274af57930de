#!/usr/bin/env bash
# The Rasa server on loopback with its HTTP API behind the internal token
# (start it through scripts/internal-tokens.sh, which provides HAECHI_RASA_TOKEN).
set -euo pipefail
: "${HAECHI_RASA_TOKEN:?start through scripts/internal-tokens.sh}"
export PYTHONPATH=.
exec .venv-rasa/bin/rasa run --enable-api --auth-token "$HAECHI_RASA_TOKEN" \
  --interface "${HAECHI_RASA_HOST:-127.0.0.1}" --port "${HAECHI_RASA_PORT:-5005}" \
  --model models --endpoints nlu/endpoints.yml --credentials nlu/credentials.yml "$@"
