#!/usr/bin/env bash
# The Rasa server on loopback with its HTTP API behind the internal token
# (start it through scripts/internal-tokens.sh, which provides HAECHI_RASA_TOKEN).
set -euo pipefail
: "${HAECHI_RASA_TOKEN:?start through scripts/internal-tokens.sh}"
export PYTHONPATH=.
# The lock store (nlu/endpoints.yml): in memory for one process; replicas set
# HAECHI_LOCK_STORE=redis and the Redis host, port and database they share.
export HAECHI_LOCK_STORE="${HAECHI_LOCK_STORE:-in_memory}"
case "$HAECHI_LOCK_STORE" in
  # Ours: Rasa's Redis lock store with atomic ticket updates (nlu/stores/redis_lock_store.py).
  redis) lock_store_type=nlu.stores.redis_lock_store.AtomicRedisLockStore ;;
  # Rasa's own, which loses tickets between replicas under a burst (kept for comparison).
  rasa-redis) lock_store_type=redis ;;
  *) lock_store_type="$HAECHI_LOCK_STORE" ;;
esac
export HAECHI_LOCK_STORE_TYPE="$lock_store_type"
export HAECHI_LOCK_STORE_HOST="${HAECHI_LOCK_STORE_HOST:-127.0.0.1}"
export HAECHI_LOCK_STORE_PORT="${HAECHI_LOCK_STORE_PORT:-6379}"
export HAECHI_LOCK_STORE_DB="${HAECHI_LOCK_STORE_DB:-1}"
export HAECHI_LOCK_STORE_PASSWORD="${HAECHI_LOCK_STORE_PASSWORD:-}"
export HAECHI_LOCK_STORE_PREFIX="${HAECHI_LOCK_STORE_PREFIX:-haechi}"
# In the Rasa image `rasa` is on PATH; here it is the project's own environment.
rasa_bin="${HAECHI_RASA_BIN:-.venv-rasa/bin/rasa}"
exec "$rasa_bin" run --enable-api --auth-token "$HAECHI_RASA_TOKEN" \
  --interface "${HAECHI_RASA_HOST:-127.0.0.1}" --port "${HAECHI_RASA_PORT:-5005}" \
  --model models --endpoints nlu/endpoints.yml --credentials nlu/credentials.yml "$@"
