#!/usr/bin/env bash
# Run a command with the internal service tokens in its environment:
#   HAECHI_RASA_TOKEN   the gateway's token for Rasa's HTTP API and its gateway channel
#   HAECHI_ACTION_TOKEN Rasa's token for the action server
# A token set in the environment wins; otherwise it is read from (or, on first run, generated
# into) $HAECHI_DATA_DIR/secrets/, readable by this user only. Every process of the Procfile
# starts through this script at once, so creation is serialised with flock.
set -euo pipefail
data_dir="${HAECHI_DATA_DIR:-var}"
secrets="$data_dir/secrets"
mkdir -p "$secrets"
chmod 700 "$secrets"
token() {
  local file="$secrets/$1.token"
  (
    flock 9
    if [ ! -s "$file" ]; then
      # 32 random bytes as 64 hex characters (base64 with its +, / and = removed varied in length).
      (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$file.tmp" && mv "$file.tmp" "$file")
    fi
  ) 9>"$secrets/.lock"
  cat "$file"
}
export HAECHI_RASA_TOKEN="${HAECHI_RASA_TOKEN:-$(token rasa)}"
export HAECHI_ACTION_TOKEN="${HAECHI_ACTION_TOKEN:-$(token action)}"
exec "$@"
