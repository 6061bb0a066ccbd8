"""Qt models over the core's values and the delegates that paint them as cards (rich text, always escaped)."""
