"""The bootstrap: the one Kubernetes-side component Pulumi owns (Argo CD, its cluster Secret, layer roots).

It sees cluster access and the substrate contract — nothing cloud-specific, no cloud SDK.
"""
