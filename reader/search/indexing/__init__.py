"""Building and updating the index: files read in chunks, worker processes, segments written, merged."""
