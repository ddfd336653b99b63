"""What the AWS deployment costs a month: ``model`` (pure arithmetic), ``prices.toml`` (list
prices, one file, with the date they were read) and ``measurements.json`` (handler durations,
requests and memory from ``benchmarks/lambda_costs.py``)."""
