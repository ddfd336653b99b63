"""In-memory fakes of the ports, for service tests."""
