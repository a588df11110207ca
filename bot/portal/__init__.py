"""The web portal's pages: the network at a glance, the live circle map, kits to download."""
