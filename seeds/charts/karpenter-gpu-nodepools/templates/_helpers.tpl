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
{{- range $k := list "pools" "accelerators" "poolAccelerators" "poolLabel" "acceleratorLabel" "taintKey" "poolCapacity" "poolNodePools" "capacityLabel" "poolMaxNodes" "poolMaxGpus" -}}
{{- if not (index $.Values.gpu $k) -}}{{- fail (printf "gpu.%s (from the contract) is empty" $k) -}}{{- end -}}
{{- end -}}
{{- end -}}

{{- /* "pool=a|b,pool2=c" (the contract's per-pool lists) as a JSON object: pool -> [a, b]. */ -}}
{{- define "karpenter-gpu.pairs" -}}
{{- $out := dict -}}
{{- range $pair := include "karpenter-gpu.list" . | fromJsonArray -}}
{{- $kv := splitList "=" $pair -}}
{{- $_ := set $out (first $kv) (splitList "|" (last $kv)) -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{- /* How an option is bought, as Karpenter's capacity type: reservations and Capacity Blocks are `reserved`. */ -}}
{{- define "karpenter-gpu.capacityType" -}}
{{- $types := dict "reservation" "reserved" "capacity-block" "reserved" "spot" "spot" "on-demand" "on-demand" -}}
{{- $type := index $types . | default "" -}}
{{- if not $type -}}{{- fail (printf "capacity option %q is not one Karpenter builds (reservation, capacity-block, spot, on-demand)" .) -}}{{- end -}}
{{- $type -}}
{{- end -}}

{{- define "karpenter-gpu.nodeclass" -}}
{{- $v := .root.Values -}}
apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata:
  name: {{ .name | trunc 63 | trimSuffix "-" }}
  labels:
    {{- include "karpenter-gpu.labels" .root | nindent 4 }}
spec:
  role: {{ $v.nodeRole | quote }}
  amiSelectorTerms:
    - alias: {{ $v.amiAlias | quote }}
  subnetSelectorTerms:
    - tags:
        karpenter.sh/discovery: {{ $v.clusterName | quote }}
  securityGroupSelectorTerms:
    - tags:
        karpenter.sh/discovery: {{ $v.clusterName | quote }}
  {{- with .reservations }}
  # Only these reservations (ids are exclusive with every other term field).
  capacityReservationSelectorTerms:
    {{- range . }}
    - id: {{ . | quote }}
    {{- end }}
  {{- end }}
  metadataOptions:
    httpTokens: required
    httpPutResponseHopLimit: 1
  blockDeviceMappings:
    - deviceName: /dev/xvda
      ebs:
        volumeSize: {{ $v.rootVolumeSize }}
        volumeType: gp3
        encrypted: true
        deleteOnTermination: true
  tags:
    llm-platform.io/cluster: {{ $v.clusterName | quote }}
{{- end -}}
