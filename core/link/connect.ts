// Layer: core/link. Opens a target string as a working m1n1 link: transport, uartproxy client
// and typed proxy, wired together. Imports core/transport, core/uartproxy and core/proxy.

import { formatOpcode } from '../proxy/opcodes.ts';
import { M1n1Proxy } from '../proxy/proxy.ts';
import { openTarget, type OpenTargetOptions, type TargetTransport } from '../transport/open-target.ts';
import { UartProxyClient } from '../uartproxy/client.ts';
import type { UartProxyClientOptions } from '../uartproxy/client-types.ts';

export interface Link {
  readonly transport: TargetTransport;
  readonly client: UartProxyClient;
  readonly proxy: M1n1Proxy;
  close(): Promise<void>;
}

export interface ConnectOptions extends OpenTargetOptions {
  client?: Omit<UartProxyClientOptions, 'label'>;
}

export async function connect(target: string, options: ConnectOptions = {}): Promise<Link> {
  const transport = await openTarget(target, options);
  const client = new UartProxyClient(transport, { ...options.client, label: formatOpcode });
  const proxy = new M1n1Proxy(client);
  return {
    transport,
    client,
    proxy,
    async close() {
      await client.close();
      await transport.close();
    },
  };
}
