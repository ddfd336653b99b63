"""Adapters: implementations of the ports for local mode, Google and AWS."""
