{{- define "secret-access.labels" -}}
app.kubernetes.io/name: secret-access
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: llm-platform
{{- end -}}

{{/* The declared secret names, as a JSON list. */}}
{{- define "secret-access.names" -}}
{{- $out := list -}}
{{- range (splitList "," .Values.names) -}}
{{- if trim . -}}{{- $out = append $out (trim .) -}}{{- end -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{- define "secret-access.validate" -}}
{{- $backends := list "gcp-secret-manager" "aws-secrets-manager" "vault" "kubernetes" -}}
{{- if not (has .Values.backend $backends) -}}
{{- fail (printf "secrets backend %q is not one of %v" .Values.backend $backends) -}}
{{- end -}}
{{- end -}}
