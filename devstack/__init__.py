"""Local development stack: real OpenSearch and DynamoDB servers."""
