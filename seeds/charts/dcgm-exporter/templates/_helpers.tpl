{{- define "dcgm-exporter.labels" -}}
app.kubernetes.io/name: dcgm-exporter
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: llm-platform
{{- end -}}

{{- define "dcgm-exporter.selectorLabels" -}}
app.kubernetes.io/name: dcgm-exporter
{{- end -}}

{{- define "dcgm-exporter.validate" -}}
{{- if not (regexMatch "^sha256:[0-9a-f]{64}$" .Values.image.digest) -}}
{{- fail "image.digest must be sha256:<64 hex>: images are pinned by digest" -}}
{{- end -}}
{{- if not .Values.gpu.acceleratorLabel -}}{{- fail "gpu.acceleratorLabel (contract gpu_accelerator_label) is empty" -}}{{- end -}}
{{- if not .Values.gpu.taintKey -}}{{- fail "gpu.taintKey (contract gpu_taint_key) is empty" -}}{{- end -}}
{{- end -}}
