"""Developer tools on the real window, not installed: `make screenshots`, the probe of `make bench`."""
