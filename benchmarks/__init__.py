"""The benchmark suite (see benchmarks/README.md)."""
