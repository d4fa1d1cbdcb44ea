"""Indexing benchmark: write-to-searchable latency, stream and rebuild throughput, bulk ceiling."""
