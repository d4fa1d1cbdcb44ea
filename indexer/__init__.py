"""The indexer: applies every change from the Persons table's stream to OpenSearch."""
