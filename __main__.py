"""llm-platform: composition only — config, substrate, bootstrap, exports. No resource logic here."""

import pulumi

from bootstrap.component import Bootstrap, BootstrapArgs
from stacks import loader
from substrate.adapters import build_substrate

# Validated once, before any resource is registered: bad config stops here with a message, not a trace.
config = loader.from_runtime()

substrate = build_substrate(config)

# The only crossing: cluster access and the contract. Argo CD owns everything in the cluster after this.
bootstrap = Bootstrap("bootstrap", BootstrapArgs.from_config(config, substrate.access, substrate.contract))

pulumi.export("cloud", config.cloud)
pulumi.export("profile", config.profile)
pulumi.export("contractSchemaVersion", substrate.contract.schema_version)
pulumi.export("contract", substrate.contract.resolve().apply(lambda c: c.flatten()))
if substrate.access.kubeconfig is not None:
    pulumi.export("kubeconfig", substrate.access.kubeconfig)
for key, value in substrate.exports.items():
    pulumi.export(key, value)
