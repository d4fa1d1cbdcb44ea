"""Search and matching quality benchmark: synthetic residents, corrupted duplicates, figures."""
