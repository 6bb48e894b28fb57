"""Settings in one place (SALESBOT_* variables, standard library only) and the wiring that turns them into the
knowledge objects. Shared by the action server, the web app and the CLI; nothing here runs a process."""
