"""`person-index import`: bulk loading of people from CSV or NDJSON files (see importer.py)."""
