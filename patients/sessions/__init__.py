"""The patient's side: Today, the plan page, history, the session player, completions and
finishing; and the staff's read of a session."""
