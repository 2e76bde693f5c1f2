import type { MessageMetadata } from '../messages';

/**
 * A published version as a Slack incoming-webhook message (https://api.slack.com/messaging/webhooks):
 * `text` is the fallback notifications show, `blocks` the Block Kit layout. Slack-compatible
 * receivers (Mattermost, Rocket.Chat, Teams workflows) read the same JSON.
 */

export interface SlackHeaderBlock {
  type: 'header';
  text: { type: 'plain_text'; text: string; emoji: boolean };
}

export interface SlackSectionBlock {
  type: 'section';
  text: { type: 'mrkdwn'; text: string };
}

export interface SlackMessage {
  text: string;
  blocks: (SlackHeaderBlock | SlackSectionBlock)[];
}

/** Block Kit's limits: a header's text, a section's text, blocks in one message. */
export const slackLimits = { headerText: 150, sectionText: 3000, blocks: 50 } as const;

/** Slack reads `&`, `<` and `>` as markup (`<!channel>` would ping everyone), so message text is escaped. */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** Splits escaped text into pieces of at most `max` characters, at a line or word break where one is near, never inside an entity. */
export function splitMrkdwn(escaped: string, max: number): string[] {
  const out: string[] = [];
  let rest = escaped;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = rest.lastIndexOf(' ', max);
    if (cut < max / 2) {
      cut = max;
      const amp = rest.lastIndexOf('&', cut - 1);
      if (amp >= 0 && amp > cut - 5 && rest.indexOf(';', amp) >= cut) cut = amp;
    }
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[\n ]/, '');
  }
  if (rest.length || !out.length) out.push(rest);
  return out;
}

export function slackIncidentMessage(
  meta: MessageMetadata,
  content: { title: string; subject: string; text: string; phase: string },
  statusPageUrl: string,
): SlackMessage {
  const section = (text: string): SlackSectionBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
  const header: SlackHeaderBlock = {
    type: 'header',
    text: { type: 'plain_text', text: truncate(`[${meta.severity}] ${content.title}`, slackLimits.headerText), emoji: true },
  };
  const facts = section(
    truncate(
      `*Severity:* ${meta.severity}   *Category:* ${meta.category}   *Phase:* ${escapeMrkdwn(content.phase)}\n` +
        `*Incident:* ${escapeMrkdwn(meta.incidentId)}   *Version:* ${meta.version}`,
      slackLimits.sectionText,
    ),
  );
  const subject = section(truncate(`*${escapeMrkdwn(content.subject)}*`, slackLimits.sectionText));
  const link = section(`<${statusPageUrl}|View on the status page>`);
  const room = slackLimits.blocks - 4;
  const pieces = splitMrkdwn(escapeMrkdwn(content.text), slackLimits.sectionText);
  // A body longer than the blocks can hold ends where they do; the status page has it whole.
  const body = pieces.length > room ? [...pieces.slice(0, room - 1), `${splitMrkdwn(pieces[room - 1], slackLimits.sectionText - 1)[0]}…`] : pieces;
  return {
    text: escapeMrkdwn(`[${meta.severity}] ${content.title}: ${content.subject} (version ${meta.version}) ${statusPageUrl}`),
    blocks: [header, facts, subject, ...body.filter((p) => p.length > 0).map(section), link],
  };
}
