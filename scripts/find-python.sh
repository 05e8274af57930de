#!/usr/bin/env bash
# Print the path of a working Python interpreter of the given minor version (3.10, 3.11).
# Looks on PATH, then in pyenv, then asks uv; says how to get one when there is none.
set -euo pipefail
version="${1:?usage: find-python.sh 3.10}"

works() { "$1" -c "import sys; assert sys.version_info[:2] == tuple(map(int, '$version'.split('.')))" >/dev/null 2>&1; }
# Report the real interpreter, not a pyenv shim, so venvs do not depend on the shim's state.
real() { "$1" -c "import sys; print(sys.executable)"; }

if candidate="$(command -v "python$version" 2>/dev/null)" && works "$candidate"; then
  real "$candidate"; exit 0
fi
if command -v pyenv >/dev/null 2>&1; then
  for candidate in "$(pyenv root)"/versions/"$version".*/bin/"python$version"; do
    if [ -x "$candidate" ] && works "$candidate"; then real "$candidate"; exit 0; fi
  done
fi
if command -v uv >/dev/null 2>&1 && candidate="$(uv python find "$version" 2>/dev/null)" && works "$candidate"; then
  real "$candidate"; exit 0
fi
cat >&2 <<MSG
Haechi needs Python $version and none was found (looked on PATH, in pyenv and through uv).
Install it with one of:
  pyenv install $version && make        # https://github.com/pyenv/pyenv
  uv python install $version && make     # https://docs.astral.sh/uv/
  apt-get install python$version python$version-venv   # where your distribution has it
Rasa Open Source 3.6 runs only on Python 3.10 or older; everything else uses Python 3.11.
MSG
exit 1
