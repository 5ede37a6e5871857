"""The cloud substrate: everything Pulumi owns, behind one interface (cluster access + contract)."""
