// Layer: gdbstub/rsp/handlers. Imports gdbstub/target.ts and gdbstub/rsp only.
//
// `?`, c/C/s/S and vCont (gdb manual, "Packets", vCont): each action applies to the threads
// its thread-id names; "for each inferior thread, the leftmost action with a matching
// thread-id is applied", and in all-stop mode a thread no action names stays stopped. The stub
// resolves that into one explicit action per CPU so the target never parses vCont.
// The reply (a stop reply) is sent by the connection when the target reports the stop.

import type { ResumePlan, ThreadAction, ThreadId } from '../../target.ts';
import { NO_REPLY, type HandlerResult, type RspContext } from '../context.ts';
import type { PacketDef } from '../dispatch.ts';
import { EINVAL_REPLY, errnoReply, errorReply } from '../error-reply.ts';
import { parseHexBig, parseHexNum } from '../hex.ts';
import { parseThreadId, threadExists, type WireThread } from '../thread-id.ts';

const ESRCH = errnoReply(3);

interface VContAction {
  readonly action: ThreadAction;
  readonly thread: WireThread;
}

function parseAction(text: string): ThreadAction | undefined {
  const op = text[0];
  const sig = text.length > 1 ? parseHexNum(text.slice(1)) : undefined;
  if (text.length > 1 && (sig === undefined || sig > 0xff)) return undefined;
  switch (op) {
    case 'c':
    case 's':
      return text.length === 1 ? { action: op === 'c' ? 'continue' : 'step' } : undefined;
    case 'C':
    case 'S':
      return sig === undefined ? undefined : { action: op === 'C' ? 'continue' : 'step', signal: sig };
    case 't': // non-stop "stop" action; in all-stop it means "leave it stopped"
      return text.length === 1 ? { action: 'stop' } : undefined;
    default:
      return undefined; // `r` (range stepping) is not in our vCont? reply
  }
}

function parseVCont(args: string): VContAction[] | undefined {
  if (!args.startsWith(';')) return undefined;
  const out: VContAction[] = [];
  for (const part of args.slice(1).split(';')) {
    const [actionText, threadText] = part.split(':');
    const action = parseAction(actionText ?? '');
    const thread = threadText === undefined ? 'all' : parseThreadId(threadText);
    if (action === undefined || thread === undefined) return undefined;
    out.push({ action, thread });
  }
  return out;
}

function plan(ctx: RspContext, actions: readonly VContAction[]): ResumePlan | string {
  const current = ctx.resolveThread('any');
  for (const a of actions) if (typeof a.thread === 'number' && !threadExists(ctx.target, a.thread)) return ESRCH;
  const resolved = new Map<ThreadId, ThreadAction>();
  for (const t of ctx.target.threads()) {
    const hit = actions.find((a) => a.thread === 'all' || a.thread === t.id || (a.thread === 'any' && t.id === current));
    resolved.set(t.id, hit?.action ?? { action: 'stop' });
  }
  if ([...resolved.values()].every((a) => a.action === 'stop')) return EINVAL_REPLY;
  return { actions: resolved };
}

async function start(ctx: RspContext, p: ResumePlan | string): Promise<HandlerResult> {
  if (typeof p === 'string') return p;
  try {
    await ctx.resume(p);
    return NO_REPLY;
  } catch (err) {
    return errorReply(err);
  }
}

/** c [addr] / s [addr] / C sig[;addr] / S sig[;addr]: the Hc thread, others as gdb expects. */
function legacy(op: 'c' | 's' | 'C' | 'S') {
  return (ctx: RspContext, args: string): Promise<HandlerResult> => {
    let signalText = '';
    let addrText = args;
    if (op === 'C' || op === 'S') [signalText, addrText = ''] = args.split(';');
    const action = parseAction(op === 'C' || op === 'S' ? `${op}${signalText}` : op);
    const address = addrText === '' ? undefined : parseHexBig(addrText);
    if (action === undefined || (addrText !== '' && address === undefined)) return Promise.resolve(EINVAL_REPLY);
    // Legacy `c` resumes every CPU; legacy `s` steps only the selected one (as QEMU does).
    const thread = ctx.resolveThread(ctx.cThread === 'all' ? 'any' : ctx.cThread);
    const p = plan(ctx, action.action === 'step' ? [{ action, thread }] : [{ action, thread: 'all' }]);
    if (typeof p !== 'string' && address !== undefined) return start(ctx, { ...p, startAddress: { threadId: thread, address } });
    return start(ctx, p);
  };
}

export const resumePackets: readonly PacketDef[] = [
  { name: '?', handler: (ctx) => ctx.currentStopReply().catch(errorReply) },
  { name: 'c', handler: legacy('c') },
  { name: 'C', handler: legacy('C') },
  { name: 's', handler: legacy('s') },
  { name: 'S', handler: legacy('S') },
  { name: 'vCont?', handler: () => 'vCont;c;C;s;S;t' },
  {
    name: 'vCont',
    features: ['vContSupported+'],
    handler: (ctx, args) => {
      const actions = parseVCont(args);
      return actions === undefined ? EINVAL_REPLY : start(ctx, plan(ctx, actions));
    },
  },
];
