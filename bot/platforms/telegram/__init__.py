"""Telegram: the PTB adapter, button codes, update parsing, the menu, broadcast pacing."""
