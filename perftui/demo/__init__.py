"""The bundled demo forms: a copy of eight real 2024 forms of one institute."""

from pathlib import Path

SEED = Path(__file__).with_name("2024-performance-targets.txt")
