// Layer: core/transport. Imports this folder only. Pure parsing, no I/O.
//
// The strings users type after --target and --listen:
//   tcp:HOST:PORT   HOST a name, an IPv4 address or an IPv6 address in brackets (tcp:[::1]:9000)
//   anything with a '/' is a device path: a serial tty (/dev/m1n1, /dev/ttyACM0) or a pty slave.

import { TransportError } from './errors.ts';

export type TargetSpec = { kind: 'tcp'; host: string; port: number } | { kind: 'device'; path: string };

export interface ListenSpec {
  host: string;
  /** 0 asks the system for a free port. */
  port: number;
}

const TARGET_FORMS =
  'write tcp:HOST:PORT (e.g. tcp:127.0.0.1:9000 or tcp:[::1]:9000) or a device path ' +
  '(/dev/m1n1, /dev/ttyACM0, or a pty such as /dev/pts/7)';
const LISTEN_FORMS = 'write tcp:HOST:PORT, e.g. tcp:127.0.0.1:9000 (port 0 picks a free port)';
const MAX_PORT = 65535;

function bad(spec: string, what: string, problem: string, hint: string): TransportError {
  return new TransportError('TRANSPORT_BAD_TARGET', `bad ${what} ${JSON.stringify(spec)}: ${problem}`, { hint });
}

/** Splits `HOST:PORT` / `[V6]:PORT`; returns a problem description instead of throwing. */
function splitHostPort(text: string, minPort: number): { host: string; port: number } | string {
  let host: string;
  let portText: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return 'the IPv6 address has no closing "]"';
    host = text.slice(1, close);
    if (text[close + 1] !== ':') return 'expected ":PORT" after the IPv6 address';
    portText = text.slice(close + 2);
  } else {
    const colon = text.lastIndexOf(':');
    if (colon < 0) return 'expected HOST:PORT after "tcp:"';
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
    if (host.includes(':')) return 'an IPv6 address needs brackets, e.g. tcp:[::1]:9000';
  }
  if (host === '') return 'the host is empty';
  if (/[\s/[\]]/.test(host)) return `"${host}" is not a host name or address`;
  if (!/^\d{1,5}$/.test(portText)) return `the port ${JSON.stringify(portText)} is not a number`;
  const port = Number(portText);
  if (port < minPort || port > MAX_PORT) return `the port ${port} is outside ${minPort}–${MAX_PORT}`;
  return { host, port };
}

export function parseTargetSpec(spec: string): TargetSpec {
  const what = 'target';
  if (spec.trim() === '') throw bad(spec, what, 'it is empty', TARGET_FORMS);
  if (spec.startsWith('tcp:')) {
    const rest = spec.slice(4);
    if (rest.startsWith('//')) throw bad(spec, what, 'no "//" after "tcp:"', `write tcp:${rest.slice(2)}`);
    const parsed = splitHostPort(rest, 1);
    if (typeof parsed === 'string') throw bad(spec, what, parsed, TARGET_FORMS);
    return { kind: 'tcp', ...parsed };
  }
  if (!spec.includes('/')) {
    if (/^[^:]+:\d+$/.test(spec) || /^\[[^\]]*\]:\d+$/.test(spec)) {
      throw bad(spec, what, 'a TCP address needs the "tcp:" prefix', `write tcp:${spec}`);
    }
    if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(spec)) {
      throw bad(spec, what, `unknown scheme "${spec.slice(0, spec.indexOf(':'))}:"`, TARGET_FORMS);
    }
    throw bad(spec, what, 'a device must be given as a path', /^tty|^m1n1/.test(spec) ? `write /dev/${spec}` : TARGET_FORMS);
  }
  return { kind: 'device', path: spec };
}

export function parseListenSpec(spec: string): ListenSpec {
  const what = 'listen address';
  if (!spec.startsWith('tcp:')) throw bad(spec, what, 'only tcp:HOST:PORT can be listened on', LISTEN_FORMS);
  const parsed = splitHostPort(spec.slice(4), 0);
  if (typeof parsed === 'string') throw bad(spec, what, parsed, LISTEN_FORMS);
  return parsed;
}
