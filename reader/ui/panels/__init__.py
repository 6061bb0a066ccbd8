"""The panels of the window: documents, results, bookmarks, what's new, the reading pane and the timeline."""
