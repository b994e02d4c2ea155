// The task function of a pooled worker (piscina): each task is one guest run, its report the task's result.
import { runGuest } from './guest';
import { nodePlatform } from './platform/node';
import type { GuestReport, GuestStart } from './protocol';

export default function runPooledGuest(start: GuestStart): GuestReport {
  return runGuest(start, nodePlatform);
}
