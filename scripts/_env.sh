# Shared by scripts/demo and scripts/test: find Python 3.12+, make .venv, install danchu.
# Usage: source scripts/_env.sh [dev]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

find_python() {
  local candidate
  for candidate in "${DANCHU_PYTHON:-}" python3.12 python3.13 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  # pyenv machines: any installed 3.12 (the repository's .python-version asks for 3.12).
  if command -v pyenv >/dev/null 2>&1; then
    for candidate in "$(pyenv root)"/versions/3.12*/bin/python3; do
      [ -x "$candidate" ] && { echo "$candidate"; return 0; }
    done
  fi
  return 1
}

if [ ! -x .venv/bin/python ]; then
  PY="$(find_python)" || { echo "danchu needs Python 3.12 or newer (python3.12 not found)." >&2; exit 1; }
  echo "Creating .venv with $PY"
  "$PY" -m venv .venv
fi

extra=""
[ "${1:-}" = "dev" ] && extra="[dev]"
stamp=".venv/.installed$extra"
# Reinstall only when pyproject.toml changed since the last install.
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".$extra"
  touch "$stamp"
fi
export PATH="$ROOT/.venv/bin:$PATH"
DANCHU_DEBUG=1 danchu compile-translations >/dev/null
