"""The JSON API's base: errors, pagination, fields, permissions, the schema hooks and the
router (router.py, wiring that imports every app's viewsets); API keys in tokens/."""
