/** Zulu seconds, as every Arena response writes a date: `2023-03-08T09:32:25Z`. */
export function zulu(d: Date = new Date()): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function addDays(iso: string, days: number): string {
  return zulu(new Date(Date.parse(iso) + days * 86_400_000));
}

/**
 * Parses a date a client sent (criteria values, search parameters): ISO 8601 with or without time and
 * offset. A value with no offset is taken as UTC. Returns Zulu seconds, or null when it is not a date.
 */
export function parseClientDate(value: unknown): string | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(value);
  const text = value.length === 10 ? `${value}T00:00:00Z` : hasZone ? value : `${value}Z`;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : zulu(new Date(ms));
}

const PACIFIC = 'America/Los_Angeles';

const pacificFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: PACIFIC, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  second: '2-digit', hourCycle: 'h23', weekday: 'short', timeZoneName: 'short',
});

function pacificParts(d: Date): Record<string, string> {
  return Object.fromEntries(pacificFormat.formatToParts(d).map((p) => [p.type, p.value]));
}

/** The Pacific calendar day a request falls in: the key of its 24-hour rate-limit period. */
export function pacificDay(d: Date = new Date()): string {
  const p = pacificParts(d);
  return `${p.year}-${p.month}-${p.day}`;
}

/** The next midnight in Pacific time after `d`. */
export function nextPacificMidnight(d: Date = new Date()): Date {
  const day = pacificDay(d);
  // Step forward in hours until the Pacific day changes, then back to the exact hour boundary.
  let t = d.getTime() - (d.getTime() % 3_600_000) + 3_600_000;
  while (pacificDay(new Date(t)) === day) t += 3_600_000;
  return new Date(t - (Number(pacificParts(new Date(t)).minute) * 60_000));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Fri, 02-May-2014 14:22:13 GMT-0700 (PDT)`: the style of Arena's X-Arena-Next-Request-Limit-Reset. */
export function arenaResetHeader(d: Date): string {
  const p = pacificParts(d);
  const abbr = p.timeZoneName === 'PST' || p.timeZoneName === 'PDT' ? p.timeZoneName : 'PST';
  const offset = abbr === 'PDT' ? '-0700' : '-0800';
  return `${p.weekday}, ${p.day}-${MONTHS[Number(p.month) - 1]}-${p.year} ${p.hour}:${p.minute}:${p.second} GMT${offset} (${abbr})`;
}
