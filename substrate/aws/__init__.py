"""The EKS adapter, one concern per file; `adapter.EksSubstrate` composes them."""
