import fs from 'node:fs';
import path from 'node:path';

/** Every PromQL expression of the shipped Grafana dashboard (deploy/grafana/herald-dashboard.json). */
export function dashboardQueries(): string[] {
  const dashboard = JSON.parse(fs.readFileSync(path.join(__dirname, '../../deploy/grafana/herald-dashboard.json'), 'utf8'));
  return dashboard.panels.flatMap((p: { targets: { expr: string }[] }) => p.targets.map((t) => t.expr));
}

/** The series names a query reads, Herald's and the Temporal SDK's; label matchers and strings taken out first. */
export function seriesNames(expr: string): string[] {
  const bare = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\{[^}]*\}/g, '');
  return [...new Set([...bare.matchAll(/\b(?:herald|temporal)_[a-z0-9_]+\b/g)].map((m) => m[0]))];
}
