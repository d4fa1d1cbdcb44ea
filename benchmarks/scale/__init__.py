"""The scale benchmark: `python -m benchmarks.scale --persons N` (see README.md here)."""
