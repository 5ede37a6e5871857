{{/* Fail closed: a contract of an unknown schema, or without the keys this chart reads, renders nothing. */}}
{{- define "platform-contract.validate" -}}
{{- $c := .Values.contract -}}
{{- if not (has (toString $c.schema_version) .Values.supportedSchemaVersions) -}}
{{- fail (printf "contract schema_version %q is not one of %v; update the seed before this cluster" (toString $c.schema_version) .Values.supportedSchemaVersions) -}}
{{- end -}}
{{- range $role := list "default" "fast" "model_cache" -}}
{{- if not (index $c (printf "storage_%s_name" $role)) -}}
{{- fail (printf "contract key storage_%s_name is empty" $role) -}}
{{- end -}}
{{- if not (index $c (printf "storage_%s_provisioner" $role)) -}}
{{- fail (printf "contract key storage_%s_provisioner is empty" $role) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "platform-contract.labels" -}}
app.kubernetes.io/name: platform-contract
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: llm-platform
{{- end -}}
