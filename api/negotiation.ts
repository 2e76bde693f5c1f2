/** Media types an answer also comes in, asked for by `?format=` or, without it, by `Accept`. */
const mediaTypes = { csv: 'text/csv', html: 'text/html' } as const;

export function wanted(format: keyof typeof mediaTypes, asked: string | undefined, accept: string | string[] | undefined): boolean {
  if (asked !== undefined) return asked === format;
  return String(accept ?? '').split(',').some((part) => part.split(';')[0].trim().toLowerCase() === mediaTypes[format]);
}
