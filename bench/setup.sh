#!/usr/bin/env bash
# Installs the benchmark's peers and tools. Idempotent: each one is skipped when already present.
#   hyperfine, ripgrep, GNU time  (Debian)
#   ruff, ast-grep-cli, matplotlib (PyPI)
#   pyrefly, ty, pyright at pinned versions (PyPI; pyright's wrapper fetches the npm package on first use),
#   for the project-wide table: optional, a peer that cannot run is reported as such
set -euo pipefail

SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO=sudo; fi

apt_missing=()
command -v hyperfine >/dev/null || apt_missing+=(hyperfine)
command -v rg >/dev/null || apt_missing+=(ripgrep)
[ -x /usr/bin/time ] || apt_missing+=(time)
if [ "${#apt_missing[@]}" -gt 0 ]; then
    echo "setup: apt-get install ${apt_missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
pip_missing=()
# /usr/bin/sg is also shadow-utils' `sg` (newgrp), so look for the `ast-grep` name only.
command -v ast-grep >/dev/null || pip_missing+=(ast-grep-cli)
command -v ruff >/dev/null || pip_missing+=(ruff)
"$PY" -c 'import matplotlib' 2>/dev/null || pip_missing+=(matplotlib)
if [ "${#pip_missing[@]}" -gt 0 ]; then
    echo "setup: pip install ${pip_missing[*]}"
    "$PY" -m pip install -q --disable-pip-version-check "${pip_missing[@]}"
    hash -r
fi

# The type checkers of the project-wide table, pinned: their numbers are compared run to run.
PEERS="pyrefly==1.5.0 ty==0.0.108 pyright==1.1.414"
peer_missing=()
for pin in $PEERS; do
    [ "$("${pin%%==*}" --version 2>/dev/null | awk '{print $NF}')" = "${pin##*==}" ] || peer_missing+=("$pin")
done
if [ "${#peer_missing[@]}" -gt 0 ]; then
    echo "setup: pip install ${peer_missing[*]}"
    "$PY" -m pip install -q --disable-pip-version-check "${peer_missing[@]}" || echo "setup: type checkers not installed" >&2
    hash -r
fi
# pyright's first run downloads its node package; without node or the npm registry it cannot run.
timeout 300 pyright --version >/dev/null 2>&1 || echo "setup: pyright cannot run; the project-wide table skips it" >&2

for tool in hyperfine rg ast-grep ruff /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "setup: $tool still missing" >&2; exit 1; }
done
echo "setup: hyperfine $(hyperfine --version | awk '{print $2}'), rg $(rg --version | awk 'NR==1{print $2}')," \
     "ast-grep $(ast-grep --version | awk '{print $2}'), ruff $(ruff --version | awk '{print $2}')," \
     "matplotlib $("$PY" -c 'import matplotlib; print(matplotlib.__version__)')," \
     "pyrefly $(pyrefly --version 2>/dev/null | awk '{print $NF}'), ty $(ty --version 2>/dev/null | awk '{print $2}')," \
     "pyright $(timeout 60 pyright --version 2>/dev/null | awk '{print $NF}')"
