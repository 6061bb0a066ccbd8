"""The window's work without widgets: the controller, its jobs, the background helper, bookmarks, catch-up."""
