"""Action kits: the catalog, the shipped kits, rendering to Markdown/HTML/PDF, and the sandbox."""
