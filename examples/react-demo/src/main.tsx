import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';

// The relay's address: ?relay=… (the e2e tests pass their own), else VITE_RELAY_URL, else the
// address `bash scripts/demo.sh` starts it on.
const relayUrl = new URLSearchParams(location.search).get('relay') ?? import.meta.env.VITE_RELAY_URL ?? 'http://127.0.0.1:8787';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App relayUrl={relayUrl} />
  </StrictMode>,
);
