"""Preflight: check a fork's cloud prerequisites before `pulumi up`, and seed its generated secrets.

`make doctor STACK=...` asks the real cloud, read-only, whether `pulumi up` can succeed: credentials,
APIs, zones, GPU offerings and quotas, DNS delegation, secret values. It fails closed — an answer it
cannot get is a failure, never a pass. `make seed-secrets STACK=...` fills the platform-internal
secrets (LiteLLM's master and salt keys) straight into the secret manager, create-if-absent, so no
value passes through a terminal, git or Pulumi state.

Nothing here registers a Pulumi resource: the stack's config is read with `stacks.loader`, and the
substrate is consulted only for pure helpers (names, machine types, required APIs).
"""
