"""Developer tools that open the real window: `make screenshots` and the window probe of `make bench`."""
