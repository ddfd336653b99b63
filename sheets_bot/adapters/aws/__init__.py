"""AWS adapters: DynamoDB (ledger, audit, cell memory), SES, S3 and Secrets Manager.

Every adapter takes its boto3 client (or a ``boto3.session.Session``) in its constructor;
none creates a client at import time, so importing this package makes no AWS call and a
Lambda builds its clients once per container, outside the handler.
"""
