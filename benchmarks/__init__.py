"""Benchmarks of the course as learners meet it: `python3 tasks.py bench`."""
