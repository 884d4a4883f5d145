import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import './styles/theme.css';
import './styles/layout.css';
import './styles/controls.css';
import './styles/console.css';
import './styles/plan.css';
import './styles/panel.css';
import './styles/login.css';
import './styles/detail.css';
import './styles/log.css';
import './styles/drills.css';
import './styles/drill-report.css';
import './styles/discovery.css';
import './styles/follow.css';
import './styles/admin.css';
import './styles/actions.css';
// Last: the header's compact and phone rules override the per-part ones above.
import './styles/header.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
