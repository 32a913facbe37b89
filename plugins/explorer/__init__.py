"""MkDocs plugin of the attention explorer: exports the heads' parameters at build time."""
