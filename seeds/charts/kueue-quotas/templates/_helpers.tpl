{{- define "kueue-quotas.labels" -}}
app.kubernetes.io/name: kueue-quotas
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: llm-platform
{{- end -}}

{{- define "kueue-quotas.accelerators" -}}
{{- $out := list -}}
{{- range (splitList "," .Values.gpu.accelerators) -}}{{- if trim . -}}{{- $out = append $out (trim .) -}}{{- end -}}{{- end -}}
{{- if not $out -}}{{- fail "the contract lists no gpu_accelerators: no flavor to give quota to" -}}{{- end -}}
{{- toJson $out -}}
{{- end -}}
