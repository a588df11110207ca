"""The circle map: the circle tree as nested cells, drawn as SVG (and PNG for chat)."""
