"""Pictures and short videos of exercises: the drawn illustrations of the built-in stretches,
and a clinic's uploads, checked on upload, stored under names nobody can guess, and served
only to the people allowed to see them (docs/deploy.md, "Media storage")."""
