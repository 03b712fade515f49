import type { Config } from '../config.js';

/** The base URL clients reach this server at; `url.api` fields are built from it. */
export function baseUrl(config: Config): string {
  return (config.publicUrl ?? `http://${config.host}:${config.port}`).replace(/\/$/, '');
}

/** Arena's `url` object: `{ api, app }` for an object of a resource path such as `items`. */
export function objectUrl(config: Config, resource: string, guid: string): { api: string; app: string } {
  const base = baseUrl(config);
  return { api: `${base}/v1/${resource}/${guid}`, app: `${base}/app/${guid}` };
}
