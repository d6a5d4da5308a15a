"""Chalice blueprints, one per audience or event source. Handlers parse, authorise, call one
service function and shape the response; they never touch DynamoDB."""
