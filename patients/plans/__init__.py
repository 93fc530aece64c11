"""Plans: assigning a routine, schedules, pauses, ending, the "plan changed" notice."""
