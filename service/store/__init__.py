"""DynamoDB access: the only code that speaks DynamoDB's wire format."""
