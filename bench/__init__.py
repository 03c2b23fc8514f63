"""Benchmarks of Pranata's pages against synthetic governments of growing size.

`python -m bench.run` (see `bench.run`) measures latency, SQL queries per request and
response size; `tests/test_bench.py` runs the same measuring function at tiny sizes
to check that no page's query count grows with the size of the government.
"""
