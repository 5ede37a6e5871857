{{- define "karpenter-gpu.labels" -}}
app.kubernetes.io/name: karpenter-gpu-nodepools
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: llm-platform
{{- end -}}

{{- define "karpenter-gpu.list" -}}
{{- $out := list -}}
{{- range (splitList "," .) -}}{{- if trim . -}}{{- $out = append $out (trim .) -}}{{- end -}}{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{- define "karpenter-gpu.validate" -}}
{{- range $k := list "clusterName" "nodeRole" -}}
{{- if not (index $.Values $k) -}}{{- fail (printf "%s (from the contract) is empty" $k) -}}{{- end -}}
{{- end -}}
{{- range $k := list "pools" "accelerators" "poolAccelerators" "poolLabel" "acceleratorLabel" "taintKey" -}}
{{- if not (index $.Values.gpu $k) -}}{{- fail (printf "gpu.%s (from the contract) is empty" $k) -}}{{- end -}}
{{- end -}}
{{- end -}}
