"""HTTP entry points shared by Lambda Function URLs and ``sheets-bot serve``: a request and a
response that both speak, and the small pages they show."""
