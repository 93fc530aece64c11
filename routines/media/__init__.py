"""Pictures and short videos of exercises: checked on upload, stored under names nobody can
guess, and served only to the people allowed to see them (docs/deploy.md, "Media storage")."""
