// Loads the app; a separate file because the Content-Security-Policy allows no inline script.
import init from './kubecheck-web.js';

init().catch((error) => {
  document.body.textContent = `kubecheck could not start: ${error}`;
});

// The service worker keeps the page working offline once it has been opened. Browsers
// offer service workers only to secure contexts (https, or http on localhost): elsewhere
// the page works as before, online only.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('service-worker.js').catch((error) => {
    console.warn(`kubecheck: no offline copy: ${error}`);
  });
}
