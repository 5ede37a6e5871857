{{- define "gpu-compute-classes.labels" -}}
app.kubernetes.io/name: gpu-compute-classes
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: llm-platform
{{- end -}}

{{- define "gpu-compute-classes.list" -}}
{{- $out := list -}}
{{- range (splitList "," .) -}}{{- if trim . -}}{{- $out = append $out (trim .) -}}{{- end -}}{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{- /* "pool=a|b,pool2=c" (the contract's per-pool lists) as a JSON object: pool -> [a, b]. */ -}}
{{- define "gpu-compute-classes.pairs" -}}
{{- $out := dict -}}
{{- range $pair := include "gpu-compute-classes.list" . | fromJsonArray -}}
{{- $kv := splitList "=" $pair -}}
{{- $_ := set $out (first $kv) (splitList "|" (last $kv)) -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}
