import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { OpenFeature } from '@openfeature/web-sdk';
import { FlagcastWebProvider } from '@flagcast/openfeature';
import { App, initialUser, toContext } from './App';
import './styles.css';

// The relay's address: ?relay=…, else VITE_RELAY_URL, else where this example's README starts it.
const relayUrl = new URLSearchParams(location.search).get('relay') ?? import.meta.env.VITE_RELAY_URL ?? 'http://127.0.0.1:8787';

// Set once, outside React: the provider owns its Flagcast client (IndexedDB cache, SSE).
OpenFeature.setProvider(new FlagcastWebProvider({ url: relayUrl }), toContext(initialUser));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
