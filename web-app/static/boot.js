// Loads the app; a separate file because the Content-Security-Policy allows no inline script.
import init from './kubecheck-web.js';

init().catch((error) => {
  document.body.textContent = `kubecheck could not start: ${error}`;
});
