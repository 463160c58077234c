"""Speed measurements, run by hand (python -m benchmarks.bench_photos)."""
