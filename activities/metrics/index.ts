export {
  DEFAULT_PROMETHEUS_MAX_RESPONSE_BYTES,
  DEFAULT_PROMETHEUS_TIMEOUT_MS,
  PROMETHEUS_BEARER_TOKEN_FILE_ENV,
  PROMETHEUS_URL_ENV,
  PrometheusClient,
  prometheusClientFromEnv,
  prometheusUrlProblem,
  type PrometheusClientOptions,
} from './prometheus-client.js';
export {
  NO_SERIES,
  PromQueryError,
  PrometheusUnavailableError,
  interpretQueryResponse,
  parseSampleValue,
  type PromSample,
} from './prometheus-response.js';
