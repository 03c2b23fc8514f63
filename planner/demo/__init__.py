"""Demo data: the realistic demo of the studies (`tanjungpinang`) and a generator of
governments of any size for benchmarks (`generator`)."""
