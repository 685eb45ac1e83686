/** The notification activities: delivery of one event to one configured receiver. */
export {
  createNotifyActivities,
  DELIVERY_HEADER,
  EVENT_HEADER,
  SIGNATURE_HEADER,
  type NotifyActivitiesOptions,
  type NotifyLogger,
} from './notify-activities.js';
export { classifyResponse, parseRetryAfter, MAX_RETRY_AFTER_MS } from './classify-response.js';
