# Pinned versions of the local stack. Changing one rebuilds only that component.
TEMPORAL_VERSION=1.5.1
KUBE_VERSION=1.36.3        # scripts/gomod/kube pins k8s.io/kubernetes and its staging modules
ETCD_VERSION=3.6.16        # scripts/gomod/etcd
KWOK_VERSION=0.8.0
KUSTOMIZE_VERSION=5.8.1
HELM_VERSION=4.2.4
TEMPORAL_SERVER_VERSION=1.29.1  # go.temporal.io/server, scripts/gomod/temporal-server (production profile)
TEMPORAL_UI_VERSION=2.42.1      # github.com/temporalio/ui-server/v2, scripts/gomod/temporal-ui
SOPS_VERSION=3.13.3            # github.com/getsops/sops/v3: decrypts SOPS files on the agent at render time
AGE_VERSION=1.3.2              # filippo.io/age: the keys SOPS files are encrypted to
REGISTRY_VERSION=3.1.2         # github.com/distribution/distribution/v3: the OCI registry the Helm tests push charts to
