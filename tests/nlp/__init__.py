"""Tests of examples/nlp."""
