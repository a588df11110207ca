"""Storage adapters for the document-store port (circles.ports)."""
