"""The console platform: `canbot chat`, and the control socket that reaches a running bot."""
