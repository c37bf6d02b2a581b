"""Research evidence in: readers for transcripts and participants, column detection, the repository."""
