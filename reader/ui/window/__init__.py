"""The main window and what hangs on it: menus, dialogs, bars, actions, theme, remembered state."""
