"""MIM Desk's tests. A package so that ``python -m tests.benchmarks`` finds its benchmarks."""
