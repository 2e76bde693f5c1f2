import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';

/**
 * The status page's templates (Handlebars, every value HTML-escaped), compiled once when the API
 * loads: `layout.hbs` is the frame of every page, `incident-summary.hbs` one incident with its
 * timeline, the others one page each. Their data comes from `domain/status-page/page.ts`.
 */

const hbs = Handlebars.create();
const source = (name: string) => fs.readFileSync(path.join(__dirname, `${name}.hbs`), 'utf8');
const compile = (name: string) => hbs.compile(source(name), { knownHelpersOnly: true });

hbs.registerPartial('layout', compile('layout'));
hbs.registerPartial('incident-summary', compile('incident-summary'));
// The executive dashboard (its own page, no layout): the incidents are a partial the live feed re-renders.
const dashboardIncidents = compile('dashboard-incidents');
hbs.registerPartial('dashboard-incidents', dashboardIncidents);

export const views = {
  status: compile('status'),
  incident: compile('incident'),
  history: compile('history'),
  notice: compile('notice'),
  dashboard: compile('dashboard'),
  dashboardIncidents,
  timeline: compile('timeline'),
  survey: compile('survey'),
  approval: compile('approval'),
};

export type ViewName = keyof typeof views;

export function render(name: ViewName, data: object): string {
  return views[name](data);
}
