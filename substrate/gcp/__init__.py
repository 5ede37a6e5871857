"""The GKE adapter, one concern per file; `adapter.GkeSubstrate` composes them."""
