"""Secrets Manager as a SecretStore: `<cluster>/<name>`, metadata through DescribeSecret only.

"Has a value" means a version staged AWSCURRENT. A seeded value is written with a client request
token derived from the secret's ARN, so two seed runs racing on one empty secret cannot both write:
the second gets ResourceExistsException instead of silently replacing the first's value.
"""

from __future__ import annotations

import uuid
from typing import Any

from preflight.secret_store import SecretState
from substrate.aws.secrets import prefix

CURRENT = "AWSCURRENT"


class SecretsManagerStore:
    def __init__(self, client: Any, cluster: str, region: str) -> None:
        self._client, self._prefix, self._region = client, prefix(cluster), region

    def secret_id(self, name: str) -> str:
        return f"{self._prefix}{name}"

    def where(self, name: str) -> str:
        return f"Secrets Manager secret {self.secret_id(name)} ({self._region})"

    def _describe(self, name: str) -> dict[str, Any] | None:
        try:
            return dict(self._client.describe_secret(SecretId=self.secret_id(name)))
        except self._client.exceptions.ResourceNotFoundException:
            return None

    def state(self, name: str) -> SecretState:
        described = self._describe(name)
        if described is None:
            return SecretState(exists=False)
        stages = described.get("VersionIdsToStages") or {}
        return SecretState(
            exists=True,
            has_value=any(CURRENT in labels for labels in stages.values()),
            scheduled_for_deletion="DeletedDate" in described,
        )

    def add_value(self, name: str, value: str) -> None:
        described = self._describe(name)
        if described is None:
            raise LookupError(f"{self.where(name)} does not exist")
        token = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{described['ARN']}#llm-platform-seed"))
        self._client.put_secret_value(
            SecretId=self.secret_id(name), SecretString=value, ClientRequestToken=token
        )

    def add_command(self, name: str) -> str:
        return (
            f"aws secretsmanager put-secret-value --region {self._region} "
            f"--secret-id {self.secret_id(name)} --secret-string file://VALUE_FILE"
        )
