"""Shared by the scripts/make-fixtures*.py generators of test/fixtures/*.json."""
import json
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures"


def f32(values):
    """The values rounded to float32 (what the tests feed tfjs), held in float64."""
    return np.asarray(values, dtype=np.float32).astype(np.float64)


def dump(name, data, compact=False):
    """Writes strict JSON (no NaN or Infinity: JSON.parse rejects them)."""
    path = OUT / name
    text = json.dumps(data, separators=(",", ":")) if compact else json.dumps(data, indent=1, allow_nan=False)
    path.write_text(text + "\n")
    print(f"wrote {path}")
