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

{{/* Every tenant checked: a clear error naming the entry and the key, never a half-made tenant. */}}
{{- define "kueue-quotas.validate" -}}
{{- if not .Values.tenants -}}{{- fail "tenants is empty: the full layer shares GPUs between teams, list at least one" -}}{{- end -}}
{{- $seen := dict -}}
{{- range $i, $t := .Values.tenants -}}
{{- range $key := list "name" "namespace" "litellmTeam" "localQueue" -}}
{{- if not (index $t $key) -}}{{- fail (printf "tenants[%d].%s is empty (each tenant needs name, namespace, litellmTeam, localQueue)" $i $key) -}}{{- end -}}
{{- end -}}
{{- if not (regexMatch "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" $t.namespace) -}}{{- fail (printf "tenants[%d].namespace %q must be a DNS label" $i $t.namespace) -}}{{- end -}}
{{- if has $t.namespace $.Values.platformGpuNamespaces -}}{{- fail (printf "tenants[%d].namespace %q is a platform GPU namespace (platformGpuNamespaces): a tenant there would bypass Kueue" $i $t.namespace) -}}{{- end -}}
{{- if has $t.namespace (list "kube-system" "kueue-system") -}}{{- fail (printf "tenants[%d].namespace %q: Kueue never manages kube-system or its own namespace" $i $t.namespace) -}}{{- end -}}
{{- if hasKey $seen $t.namespace -}}{{- fail (printf "tenants[%d].namespace %q is already a tenant's" $i $t.namespace) -}}{{- end -}}
{{- $_ := set $seen $t.namespace true -}}
{{- end -}}
{{- end -}}

{{/* CEL: does resource name r (a CEL expression) name a GPU? */}}
{{- define "kueue-quotas.isGpu" -}}
{{- $terms := list -}}
{{- range .Values.gpuResources.names }}{{ $terms = append $terms (printf "r == '%s'" .) }}{{ end -}}
{{- range .Values.gpuResources.prefixes }}{{ $terms = append $terms (printf "r.startsWith('%s')" .) }}{{ end -}}
{{- join " || " $terms -}}
{{- end -}}

{{/* CEL list literal of strings. */}}
{{- define "kueue-quotas.celList" -}}
[{{- range $i, $v := . }}{{ if $i }}, {{ end }}'{{ $v }}'{{ end -}}]
{{- end -}}

{{- define "kueue-quotas.tenantNamespaces" -}}
{{- $out := list -}}
{{- range .Values.tenants }}{{ $out = append $out .namespace }}{{ end -}}
{{- toJson $out -}}
{{- end -}}
