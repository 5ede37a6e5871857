{{- define "inference-gateway.labels" -}}
app.kubernetes.io/name: inference-gateway
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: llm-platform
{{- end -}}
