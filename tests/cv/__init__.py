"""Tests for the computer vision examples."""
