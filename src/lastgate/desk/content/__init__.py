"""Shipped content of the appeals desk: canned replies, knowledge-base articles, and a
demo list of official channels."""
