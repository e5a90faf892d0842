#!/usr/bin/env bash
# Creates benches/peers/.venv with the pinned peers of the comparison (requirements.txt).
# Usage: bash benches/peers/setup.sh && benches/peers/.venv/bin/python benches/peers/run.py
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-python3}"
if [ ! -x "$here/.venv/bin/python" ]; then
    "$python" -m venv "$here/.venv"
fi
"$here/.venv/bin/python" -m pip install --quiet --upgrade pip
"$here/.venv/bin/python" -m pip install --quiet -r "$here/requirements.txt"
"$here/.venv/bin/python" -c 'import numpy, scipy, pandas, networkx, matching; print("peers ready:", "numpy", numpy.__version__, "scipy", scipy.__version__, "pandas", pandas.__version__, "networkx", networkx.__version__)'
