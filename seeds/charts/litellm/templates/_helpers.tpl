{{- define "litellm.labels" -}}
app.kubernetes.io/name: litellm
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: llm-platform
{{- end -}}

{{- define "litellm.selectorLabels" -}}
app.kubernetes.io/name: litellm
{{- end -}}

{{/* remoteRef for one secret manager entry (the kubernetes backend stores it under the `value` key). */}}
{{- define "litellm.remoteRef" -}}
key: {{ printf "%s%s" .root.Values.secrets.prefix .name | quote }}
{{- if eq .root.Values.secrets.backend "kubernetes" }}
property: value
{{- end }}
{{- end -}}

{{- define "litellm.validate" -}}
{{- if not (regexMatch "^sha256:[0-9a-f]{64}$" .Values.image.digest) -}}
{{- fail "image.digest must be sha256:<64 hex>: images are pinned by digest" -}}
{{- end -}}
{{- if not .Values.store.host -}}{{- fail "store.host is empty: without a shared store every replica keeps its own TPM/RPM and budget counters" -}}{{- end -}}
{{- if lt (int .Values.replicas) 2 -}}{{- fail "replicas must be at least 2: a PodDisruptionBudget cannot protect a single replica" -}}{{- end -}}
{{- if not .Values.models -}}{{- fail "models is empty: LiteLLM would expose nothing" -}}{{- end -}}
{{- if and .Values.expose.enabled (not .Values.expose.domain) -}}
{{- fail "expose.enabled needs expose.domain (contract dns_domain)" -}}
{{- end -}}
{{- end -}}
