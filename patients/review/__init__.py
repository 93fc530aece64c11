"""Review: the adherence rules, the staff home page, a patient's progress, the CSVs, alert
reviews."""
