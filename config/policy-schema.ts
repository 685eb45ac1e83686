/**
 * JSON Schemas (ajv) of the agent's policy file: native `mooring.dev/v1` Project and AgentPolicy,
 * and Argo CD `argoproj.io/v1alpha1` AppProject (the fields Mooring enforces; others are ignored
 * with a warning by the importer, so they are allowed here).
 */
import { DNS1123_LABEL } from './app-schema.js';

const NAME = {
  type: 'string',
  maxLength: 63,
  pattern: DNS1123_LABEL,
  description: 'a DNS-1123 label (lower-case letters, digits and "-", at most 63 characters)',
};
const glob = { type: 'string', minLength: 1, maxLength: 512 };
const globs = { type: 'array', items: glob, maxItems: 1000 };
const kindRule = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  properties: { group: { type: 'string', maxLength: 253, default: '' }, kind: glob },
};
const kindRules = { type: 'array', items: kindRule, maxItems: 1000 };
const bool = { type: 'boolean', default: false };

/** One sync window (config/sync-window.ts checks schedule, duration and time zone further). */
const syncWindowProperties = {
  kind: { enum: ['allow', 'deny'] },
  schedule: { type: 'string', minLength: 1, maxLength: 256 },
  duration: { type: 'string', minLength: 1, maxLength: 64 },
  applications: { ...globs, default: [] },
  namespaces: { ...globs, default: [] },
  clusters: { ...globs, default: [] },
  manualSync: bool,
  timeZone: { type: 'string', minLength: 1, maxLength: 64, default: 'UTC' },
  andOperator: bool,
  description: { type: 'string', maxLength: 1024 },
};
const syncWindows = (item: object) => ({ type: 'array', items: item, maxItems: 100, default: [] });

export const SCHEME_NAMES = ['https', 'ssh', 'http', 'git', 'file'] as const;

export const PROJECT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'mooring.dev/v1' },
    kind: { const: 'Project' },
    metadata: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: { name: NAME },
    },
    spec: {
      type: 'object',
      additionalProperties: false,
      properties: {
        description: { type: 'string' },
        applications: { ...globs, default: [] },
        sourceRepos: { ...globs, default: [] },
        destinations: {
          type: 'array',
          default: [],
          maxItems: 1000,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['namespace'],
            properties: { cluster: glob, server: glob, namespace: glob },
          },
        },
        clusterResourceWhitelist: { ...kindRules, default: [] },
        clusterResourceBlacklist: { ...kindRules, default: [] },
        namespaceResourceWhitelist: kindRules,
        namespaceResourceBlacklist: { ...kindRules, default: [] },
        childProjects: { ...globs, default: [] },
        render: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: { allowRemoteValueFiles: bool, allowRemoteBases: bool, allowPlugins: bool },
        },
        syncWindows: syncWindows({
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'schedule', 'duration'],
          properties: syncWindowProperties,
        }),
        signatureKeys: {
          type: 'array',
          default: [],
          maxItems: 100,
          items: {
            type: 'object',
            additionalProperties: false,
            properties: {
              gpgPublicKeyFile: glob,
              sshPublicKey: glob,
              principal: { type: 'string', minLength: 1, default: '*' },
            },
          },
        },
      },
      default: {},
    },
  },
};

export const APP_PROJECT_SCHEMA = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata'],
  properties: {
    apiVersion: { const: 'argoproj.io/v1alpha1' },
    kind: { const: 'AppProject' },
    metadata: {
      type: 'object',
      required: ['name'],
      properties: {
        name: NAME,
        annotations: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    spec: {
      type: 'object',
      default: {},
      properties: {
        sourceRepos: globs,
        destinations: {
          type: 'array',
          maxItems: 1000,
          items: {
            type: 'object',
            properties: { server: glob, name: glob, namespace: glob },
          },
        },
        clusterResourceWhitelist: kindRules,
        clusterResourceBlacklist: kindRules,
        namespaceResourceWhitelist: kindRules,
        namespaceResourceBlacklist: kindRules,
        signatureKeys: { type: 'array', items: { type: 'object' } },
        syncWindows: syncWindows({
          type: 'object',
          required: ['kind', 'schedule', 'duration'],
          properties: { ...syncWindowProperties, syncOverrun: { type: 'boolean' } },
        }),
      },
    },
  },
};

export const AGENT_POLICY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'spec'],
  properties: {
    apiVersion: { const: 'mooring.dev/v1' },
    kind: { const: 'AgentPolicy' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      additionalProperties: false,
      properties: {
        git: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            allowedSchemes: {
              type: 'array',
              items: { enum: [...SCHEME_NAMES] },
              default: ['https', 'ssh'],
            },
          },
        },
        protectedNamespaces: { ...globs },
      },
    },
  },
};
