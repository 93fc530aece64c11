"""Pictures of exercises: the drawn illustrations of the built-in stretches."""
