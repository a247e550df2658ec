"""Insights: answers computed from the whole graph for the ministry, coordinators and researchers."""
