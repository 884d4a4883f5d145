import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { connectLive } from './live/live.socket.ts';
import './styles/theme.css';
import './styles/layout.css';
import './styles/controls.css';
import './styles/console.css';
import './styles/plan.css';
import './styles/panel.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

// One live connection for the page's lifetime, opened before the first render so no event is missed.
const { store } = connectLive();

createRoot(root).render(
  <StrictMode>
    <App store={store} />
  </StrictMode>,
);
