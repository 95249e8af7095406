"""Benchmarks: scripts that print speed and memory; never timed unit tests."""
