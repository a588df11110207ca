"""Slack: the slack-bolt adapter, Block Kit, payload parsing, the user directory, the manifest."""
