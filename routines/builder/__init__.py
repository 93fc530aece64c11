"""Routines and their steps: the builder, templates, copies, preview and handout."""
