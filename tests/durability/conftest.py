"""The durability tests reuse the sign-up tests' server and database helpers."""

from __future__ import annotations

import sys
from pathlib import Path

# serving.py, fresh_databases.py and samples.py live in tests/signup.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "signup"))
