{{- define "vllm-server.name" -}}
{{- printf "vllm-%s" .Values.model.name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "vllm-server.selectorLabels" -}}
app.kubernetes.io/name: vllm-server
llm-platform.io/model: {{ .Values.model.name }}
{{- end -}}

{{- define "vllm-server.labels" -}}
{{ include "vllm-server.selectorLabels" . }}
llm-platform.io/role: model-server
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: llm-platform
{{- end -}}

{{/* The GPU pool the pods run in: the explicit one, else the contract's first pool. */}}
{{- define "vllm-server.pool" -}}
{{- $pool := .Values.gpu.pool -}}
{{- if not $pool -}}{{- $pool = splitList "," .Values.gpu.pools | first | trim -}}{{- end -}}
{{- $pool -}}
{{- end -}}

{{- define "vllm-server.modelImage" -}}
{{- printf "%s/%s@%s" (trimSuffix "/" .Values.registry) .Values.model.repository .Values.model.digest -}}
{{- end -}}

{{- define "vllm-server.modelDir" -}}
{{- if eq .Values.model.delivery "imageVolume" -}}
{{- printf "/mnt/model-image%s" .Values.model.path -}}
{{- else -}}
/mnt/models
{{- end -}}
{{- end -}}

{{- define "vllm-server.sharedCache" -}}
{{- if eq .Values.cache.modelCacheAccessMode "ReadWriteMany" -}}true{{- end -}}
{{- end -}}

{{- define "vllm-server.validate" -}}
{{- $digest := "^sha256:[0-9a-f]{64}$" -}}
{{- if not (regexMatch $digest .Values.image.digest) -}}
{{- fail "image.digest must be sha256:<64 hex>: images are pinned by digest" -}}
{{- end -}}
{{- if not (regexMatch $digest .Values.model.digest) -}}
{{- fail "model.digest must be sha256:<64 hex>: the modelcar is pinned by digest, never a tag" -}}
{{- end -}}
{{- if not (regexMatch "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" .Values.model.name) -}}
{{- fail "model.name must be a DNS label" -}}
{{- end -}}
{{- if not .Values.model.servedName -}}{{- fail "model.servedName is empty" -}}{{- end -}}
{{- if not .Values.model.repository -}}{{- fail "model.repository is empty" -}}{{- end -}}
{{- if not .Values.registry -}}{{- fail "registry (contract registry_url) is empty: there is nowhere to pull the model from" -}}{{- end -}}
{{- if not (has .Values.model.delivery (list "sidecar" "imageVolume")) -}}
{{- fail "model.delivery must be sidecar or imageVolume" -}}
{{- end -}}
{{- if not (include "vllm-server.pool" .) -}}{{- fail "no GPU pool: gpu.pool is empty and the contract lists no gpu_pools" -}}{{- end -}}
{{- if not .Values.gpu.poolLabel -}}{{- fail "gpu.poolLabel (contract gpu_pool_label) is empty" -}}{{- end -}}
{{- if not .Values.gpu.taintKey -}}{{- fail "gpu.taintKey (contract gpu_taint_key) is empty" -}}{{- end -}}
{{- if and (not (include "vllm-server.sharedCache" .)) (not .Values.cache.fallbackClass) -}}
{{- fail "cache.fallbackClass (contract storage_default_name) is empty" -}}
{{- end -}}
{{- if gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas) -}}
{{- fail "autoscaling.minReplicas is above maxReplicas" -}}
{{- end -}}
{{- end -}}
