import { Page } from '@playwright/test';

/**
 * What a page's signals websockets did, with times: when each socket was opened and closed,
 * which channels the page subscribed to, and which signals arrived. Printed beside the
 * two-replica figure, it tells a signal that never came from one the page did not act on.
 */
export function traceSignals(page: Page) {
  const started = Date.now();
  const lines: { at: number; text: string }[] = [];
  let sockets = 0;
  const note = (text: string) => lines.push({ at: Date.now(), text });
  page.on('websocket', ws => {
    if (!ws.url().includes('/api/signals')) return;
    const id = ++sockets;
    note(`socket ${id} opening`);
    ws.on('framesent', frame => note(`socket ${id} sent ${frame.payload}`));
    ws.on('framereceived', frame =>
      note(`socket ${id} received ${frame.payload}`),
    );
    ws.on('socketerror', error => note(`socket ${id} error ${error}`));
    ws.on('close', () => note(`socket ${id} closed`));
  });
  return {
    /** The trace, each line's time relative to `origin` (default: when tracing started). */
    lines(origin = started) {
      return lines.map(l => `${l.at - origin}ms ${l.text}`);
    },
  };
}
