# Pinned versions of the local stack. Changing one rebuilds only that component.
TEMPORAL_VERSION=1.5.1
KUBE_VERSION=1.36.3        # scripts/gomod/kube pins k8s.io/kubernetes and its staging modules
ETCD_VERSION=3.6.16        # scripts/gomod/etcd
KWOK_VERSION=0.8.0
KUSTOMIZE_VERSION=5.8.1
HELM_VERSION=4.2.4
