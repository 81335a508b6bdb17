"""Speed and memory figures against the design's goals; run with ``python -m tests.benchmarks``.

Not collected by pytest (``norecursedirs``): no test asserts a wall-clock time.
"""
