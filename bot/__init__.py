"""CAN bot: everything that talks to the world, and the wiring."""

__version__ = "0.1.0"
