{{- define "kserve-example.labels" -}}
app.kubernetes.io/name: kserve-example
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: llm-platform
{{- end -}}

{{- define "kserve-example.pool" -}}
{{- $pool := .Values.gpu.pool -}}
{{- if not $pool -}}{{- $pool = splitList "," .Values.gpu.pools | first | trim -}}{{- end -}}
{{- $pool -}}
{{- end -}}

{{- define "kserve-example.validate" -}}
{{- $digest := "^sha256:[0-9a-f]{64}$" -}}
{{- if not (regexMatch $digest .Values.runtime.image.digest) -}}
{{- fail "runtime.image.digest must be sha256:<64 hex>: images are pinned by digest" -}}
{{- end -}}
{{- if not (regexMatch $digest .Values.model.digest) -}}
{{- fail "model.digest must be sha256:<64 hex>: the modelcar is pinned by digest" -}}
{{- end -}}
{{- if not .Values.registry -}}{{- fail "registry (contract registry_url) is empty" -}}{{- end -}}
{{- if not (include "kserve-example.pool" .) -}}{{- fail "no GPU pool in the contract" -}}{{- end -}}
{{- if not .Values.gpu.taintKey -}}{{- fail "gpu.taintKey (contract gpu_taint_key) is empty" -}}{{- end -}}
{{- end -}}
