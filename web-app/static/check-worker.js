// The check worker: parses and checks the editor's text off the page's thread, so typing
// never waits for a check (src/check_worker.rs is the page's side). It loads the page's
// own module and wasm; their `main` sees no window here and renders nothing.
import init, { answer_check_request } from './kubecheck-web.js';

const ready = init();

// Requests that arrive while the module loads wait for it, and are answered in order.
self.onmessage = async ({ data }) => {
  await ready;
  self.postMessage(answer_check_request(data));
};
