"""Benchmarks: `make bench-<name>` runs `python -m bench.<name>`; each ends with one line of JSON (README.md)."""
