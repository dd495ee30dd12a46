import { parser } from '@grafana/lezer-logql';
import { lezerProblem } from './promql';

/** Parses a LogQL query with Grafana's Lezer grammar; returns the first syntax error as a message. */
export function logqlProblem(expr: string): string | undefined {
  return lezerProblem(parser, expr, 'LogQL', 'count_over_time({job="api"} |= "OOM" [5m])', 'Check the stream selector braces, quotes, pipes and range durations such as [5m]; test it in Grafana Explore.');
}
