"""The exercise library: the built-in stretches and each clinic's own exercises."""
