"""Benchmark tools: a synthetic archive generator and the `make bench` runner."""
