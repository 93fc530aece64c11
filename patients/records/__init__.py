"""Right of access: a patient's whole record as JSON or CSV."""
