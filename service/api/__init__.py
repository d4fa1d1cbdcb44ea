"""The Flask API: schemas, views and error handling."""
