"""Person search: query construction (pure) and execution against OpenSearch."""
