"""Fixtures shared by every test. Unit tests need nothing from here; see integration/conftest.py."""

import os

# boto3 insists on credentials even for the local DynamoDB server; these are never real ones.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-2")
