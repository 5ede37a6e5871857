"""The model registry: one ECR repository, `<cluster>/models`, for digest-pinned modelcar images.

Tags are immutable so a tag can never be re-pointed under a running model; images are scanned on push
and encrypted with the data key. Nodes pull through their role's AmazonEC2ContainerRegistryPullOnly
policy; ECR decrypts through the grant it creates on the key, so nodes need no KMS permission.

ECR names one image per repository, while the contract promises `<url>/<model>@sha256:…` as on
Artifact Registry. A create-on-push repository-creation template for the prefix `<cluster>/models`
(ECR appends the `/` itself, so it applies to `<cluster>/models/…`) closes the gap: pushing
`<url>/<model>` creates that model's repository with immutable tags. Those repositories are
encrypted with AES-256 (a KMS key would need a custom creation role) and are scanned only if the
account's registry scanning configuration says so — an account-wide setting this stack does not own.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from substrate.component import Component


@dataclass(kw_only=True)
class RegistryArgs:
    name: str  # the repository name, `<cluster>/models`
    kms_key_arn: pulumi.Input[str]
    protect: bool


class ModelRegistry(Component):
    def __init__(self, name: str, args: RegistryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-platform:aws:ModelRegistry", name, opts)
        self.repository = aws.ecr.Repository(
            f"{name}-repo",
            name=args.name,
            image_tag_mutability="IMMUTABLE",
            image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=True),
            encryption_configurations=[
                aws.ecr.RepositoryEncryptionConfigurationArgs(encryption_type="KMS", kms_key=args.kms_key_arn)
            ],
            # Never delete a repository that still holds images.
            force_delete=False,
            opts=self.child(protect=args.protect),
        )
        self.per_model = aws.ecr.RepositoryCreationTemplate(
            f"{name}-per-model",
            # The API treats the prefix as `<prefix>/`; a trailing `/` of ours would double it.
            prefix=args.name,
            applied_fors=["CREATE_ON_PUSH"],
            description="One repository per modelcar under the platform's model registry",
            image_tag_mutability="IMMUTABLE",
            encryption_configurations=[
                aws.ecr.RepositoryCreationTemplateEncryptionConfigurationArgs(encryption_type="AES256")
            ],
            opts=self.child(),
        )
        self.url: pulumi.Output[str] = self.repository.repository_url
        self.register_outputs({"url": self.url})
