"""Tests of examples/advanced."""
