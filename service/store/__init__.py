"""DynamoDB access for the service's tables: typed items converted in one place (items.py), and
botocore's errors turned into the store's own (aws_errors.py)."""
