"""Shared pieces of weft's Mininet scenarios: topologies, the switch class, the runner."""
