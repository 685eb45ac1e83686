/**
 * The shape of an agent policy after loading (config/agent-policy.ts): projects and agent-wide
 * settings. The rules that read them live in core/policy/project.ts.
 */

/** A `group`/`kind` pair of globs; `group: ""` is the core API group, `*` matches any. */
export interface KindRule {
  group: string;
  kind: string;
}

/** An allowed destination: globs on the cluster's name or API server URL, and the namespace. */
export interface ProjectDestination {
  /** Glob on the agent's cluster name (`--cluster`). */
  cluster?: string;
  /** Glob on the cluster's API server URL (Argo CD's `server`). */
  server?: string;
  /** Glob on the namespace; `!pattern` excludes. */
  namespace: string;
}

/** What rendering may reach beyond the commit itself. All off unless a project turns them on. */
export interface ProjectRenderPolicy {
  allowRemoteValueFiles: boolean;
  allowRemoteBases: boolean;
  allowPlugins: boolean;
}

/** Keys a project trusts to sign the commits it deploys; none means signatures are not checked. */
export interface ProjectSignatureKeys {
  /** ASCII-armored GPG public keys. */
  gpgPublicKeys: string[];
  /** Lines of an SSH `allowed_signers` file (`<principal> <key-type> <key>`). */
  sshAllowedSigners: string[];
}

/** Whether a sync window lets syncs through while it is active (`allow`) or blocks them (`deny`). */
export type SyncWindowKind = 'allow' | 'deny';

/**
 * A time window in which syncs of the matching apps are allowed or blocked (Argo CD's AppProject
 * `syncWindows`, same fields). core/policy/sync-windows.ts decides; config/sync-window.ts checks.
 */
export interface SyncWindow {
  kind: SyncWindowKind;
  /** Five-field cron expression of the window's start times, in `timeZone`. */
  schedule: string;
  /** How long the window stays open after each start, e.g. `1h` or `30m`. */
  duration: string;
  /** Globs on app names. */
  applications: string[];
  /** Globs on destination namespaces. */
  namespaces: string[];
  /** Globs on cluster names (or API server URLs). */
  clusters: string[];
  /** Manual syncs may run while this window blocks. */
  manualSync: boolean;
  /** IANA time zone of `schedule`, canonical spelling. @default 'UTC' */
  timeZone: string;
  /** Match when every list that is set matches, instead of any. */
  andOperator: boolean;
  description?: string;
}

export interface Project {
  name: string;
  /** Where the project was declared, for messages (`policy.yaml, document 2`). */
  origin: string;
  /** Globs on app names bound to this project. `default` without any binds every app left over. */
  applications: string[];
  /** Globs on normalized repository URLs; `!pattern` excludes; `*` allows any. */
  sourceRepos: string[];
  destinations: ProjectDestination[];
  /** Cluster-scoped kinds the project may manage; empty allows none. */
  clusterResourceWhitelist: KindRule[];
  clusterResourceBlacklist: KindRule[];
  /** Namespaced kinds the project may manage; undefined allows every kind not blacklisted. */
  namespaceResourceWhitelist?: KindRule[];
  namespaceResourceBlacklist: KindRule[];
  /** Projects an app of apps in this project may create child apps in (globs). */
  childProjects: string[];
  render: ProjectRenderPolicy;
  signatureKeys: ProjectSignatureKeys;
  /** When the project's apps may sync; none (or absent) means always. */
  syncWindows?: SyncWindow[];
}

/** The agent-wide settings next to the projects. */
export interface AgentSettings {
  /** Repository URL schemes git may use: https and ssh unless the operator adds more. */
  allowedRepoSchemes: string[];
  /** Namespaces no app may deploy into or create (the agent's own, kube-system, ...). */
  protectedNamespaces: string[];
}

/** Everything the agent enforces, loaded from its own policy file. */
export interface AgentPolicy {
  /** The file the policy came from, for messages. */
  source: string;
  projects: Project[];
  settings: AgentSettings;
}
